package io.ectstream.launcher.docs;

import io.ectstream.launcher.EctStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * docs/cli-reference.md, written from the picocli definitions themselves (every command, every flag, its default and
 * its description), so the reference cannot drift from {@code --help}. Defaults are the definitions' own: no
 * ECTSTREAM_* variable of the machine that writes it is read. CliReferenceTest fails when the file is not current.
 */
public final class CliReference {
    public static final String FILE = "docs/cli-reference.md";
    public static final String REGENERATE =
            "./mvnw -B -pl launcher -am test -Dtest=CliReferenceTest -Dsurefire.failIfNoSpecifiedTests=false"
                    + " -Dectstream.docs.regenerate=true";

    private CliReference() {}

    /** Writes the reference to the file named by the first argument (default {@value #FILE}). */
    public static void main(String[] args) throws IOException {
        Path file = Path.of(args.length > 0 ? args[0] : FILE);
        Files.writeString(file, markdown());
        System.out.println("wrote " + file);
    }

    public static String markdown() {
        CommandLine root = new CommandLine(EctStream.class);
        StringBuilder md = new StringBuilder();
        md.append("# Command-line reference\n\n")
                .append("<!-- Generated from the picocli definitions by io.ectstream.launcher.docs.CliReference; do not"
                        + " edit. Regenerate with:\n     ")
                .append(REGENERATE)
                .append(" -->\n\n")
                .append(
                        "Every command of `ectstream`, every flag with its default, as `ectstream COMMAND --help` prints"
                                + " them. Any flag can also come from a variable `ECTSTREAM_<FLAG>` (the command line wins):"
                                + " [configuration.md](configuration.md).\n\n");
        md.append("| command | what it does |\n|---|---|\n");
        commands(root)
                .forEach(c -> md.append("| [`")
                        .append(c.getCommandSpec().qualifiedName())
                        .append("`](#")
                        .append(anchor(c.getCommandSpec().qualifiedName()))
                        .append(") | ")
                        .append(cell(firstSentence(c.getCommandSpec())))
                        .append(" |\n"));
        md.append('\n');
        root.getCommandSpec().options().stream()
                .filter(CliReference::documented)
                .forEach(o -> md.append("Every command also takes `")
                        .append(o.longestName())
                        .append(o.arity().max() > 0 ? "=" + o.paramLabel() : "")
                        .append("`: ")
                        .append(description(o))
                        .append("\n\n"));
        for (CommandLine command : commands(root)) {
            CommandSpec spec = command.getCommandSpec();
            md.append("## ").append(spec.qualifiedName()).append("\n\n");
            md.append(String.join(" ", interpolate(List.of(spec.usageMessage().description()), null)))
                    .append("\n\n");
            List<PositionalParamSpec> positionals = spec.positionalParameters().stream()
                    .filter(p -> !p.hidden())
                    .toList();
            List<OptionSpec> options = spec.options().stream()
                    .filter(CliReference::documented)
                    .filter(o -> !o.inherited())
                    .toList();
            if (options.isEmpty() && positionals.isEmpty()) {
                continue;
            }
            md.append("| flag | default | what it sets |\n|---|---|---|\n");
            for (PositionalParamSpec p : positionals) {
                md.append("| `")
                        .append(p.paramLabel())
                        .append("` | ")
                        .append(defaultCell(p.defaultValue(), p.initialValue()))
                        .append(" | ")
                        .append(cell(String.join(" ", interpolate(List.of(p.description()), p.defaultValue()))))
                        .append(" |\n");
            }
            for (OptionSpec o : options) {
                md.append("| ")
                        .append(cell(flag(o)))
                        .append(o.required() ? " (required)" : "")
                        .append(" | ")
                        .append(defaultCell(o.defaultValue(), o.arity().max() > 0 ? o.initialValue() : null))
                        .append(" | ")
                        .append(cell(description(o)))
                        .append(" |\n");
            }
            md.append('\n');
        }
        return md.toString();
    }

    /** Every subcommand, depth first, in the order the root lists them; the help command is left out. */
    private static List<CommandLine> commands(CommandLine root) {
        return root.getSubcommands().values().stream()
                .distinct()
                .filter(c -> !(c.getCommand() instanceof CommandLine.HelpCommand))
                .flatMap(c -> java.util.stream.Stream.concat(java.util.stream.Stream.of(c), commands(c).stream()))
                .toList();
    }

    /** "`--out <out>`", "`-h`, `--help`", "`--[no-]cudnn-benchmark`". */
    private static String flag(OptionSpec o) {
        List<String> names = List.of(o.names()).stream()
                .map(n -> o.negatable() && n.startsWith("--") ? "--[no-]" + n.substring(2) : n)
                .toList();
        return "`" + String.join("`, `", names) + (o.arity().max() > 0 ? " " + o.paramLabel() : "") + "`";
    }

    private static boolean documented(OptionSpec o) {
        return !o.hidden() && !o.usageHelp() && !o.versionHelp();
    }

    private static String description(OptionSpec o) {
        return String.join(" ", interpolate(List.of(o.description()), o.defaultValue()));
    }

    /** Up to the first full stop that ends a sentence ("e.g. models" goes on). */
    private static String firstSentence(CommandSpec spec) {
        String text = String.join(" ", interpolate(List.of(spec.usageMessage().description()), null));
        Matcher end = SENTENCE_END.matcher(text);
        return end.find() ? text.substring(0, end.start() + 1) : text;
    }

    private static final Pattern SENTENCE_END = Pattern.compile("[.:]\\s+(?=[A-Z(`])");

    /** picocli's own substitutions in descriptions: the default, the choices, and format escapes. */
    private static List<String> interpolate(List<String> lines, String defaultValue) {
        return lines.stream()
                .map(l -> l.replace("${DEFAULT-VALUE}", defaultValue == null ? "none" : defaultValue)
                        .replace("%%", "%")
                        .replace("%n", " ")
                        .strip())
                .toList();
    }

    private static String defaultCell(String defaultValue, Object initialValue) {
        if (defaultValue != null) {
            return defaultValue.isEmpty() ? "\"\"" : "`" + defaultValue + "`";
        }
        if (initialValue == null
                || Boolean.FALSE.equals(initialValue)
                || (initialValue instanceof Collection<?> c && c.isEmpty())
                || (initialValue instanceof Map<?, ?> m && m.isEmpty())) {
            return "";
        }
        String text = initialValue instanceof Collection<?> c
                ? c.stream().map(String::valueOf).collect(Collectors.joining(","))
                : String.valueOf(initialValue);
        return "`" + text + "`";
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    /** GitHub's heading anchor: lower case, spaces to dashes, other punctuation dropped. */
    public static String anchor(String heading) {
        return heading.toLowerCase(java.util.Locale.ROOT)
                .replaceAll("[^a-z0-9 _-]", "")
                .replace(' ', '-');
    }
}
