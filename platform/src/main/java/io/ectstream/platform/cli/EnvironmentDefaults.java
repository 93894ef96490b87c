package io.ectstream.platform.cli;

import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every option's value from the environment when the command line does not give it: {@code --bootstrap-servers} is
 * {@code ECTSTREAM_BOOTSTRAP_SERVERS}, the longest name without its dashes, upper case, {@code -} as {@code _}. The
 * command line wins over the variable, the variable over the option's default; the same variable serves every command
 * that has the flag. Help and version flags and positional parameters have no variable.
 */
public final class EnvironmentDefaults implements IDefaultValueProvider {
    public static final String PREFIX = "ECTSTREAM_";

    private final Map<String, String> env;

    public EnvironmentDefaults(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** The variable that sets an option, e.g. ECTSTREAM_OPS_PORT for --ops-port. */
    public static String variable(String optionName) {
        String bare = optionName.replaceFirst("^-+", "");
        return PREFIX + bare.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
            return null;
        }
        return env.get(variable(option.longestName()));
    }
}
