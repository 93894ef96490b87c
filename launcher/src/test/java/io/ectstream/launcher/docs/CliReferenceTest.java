package io.ectstream.launcher.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/cli-reference.md is what the picocli definitions say now. With -Dectstream.docs.regenerate=true the test writes
 * the file instead of failing (CliReference.REGENERATE).
 */
class CliReferenceTest {
    private static final Path REPO = Path.of(System.getProperty("ectstream.repo.root", ".."))
            .toAbsolutePath()
            .normalize();

    @Test
    void theCommittedReferenceIsCurrent() throws Exception {
        Path file = REPO.resolve(CliReference.FILE);
        String current = CliReference.markdown();
        if (Boolean.getBoolean("ectstream.docs.regenerate")) {
            Files.writeString(file, current);
        }
        assertTrue(Files.isRegularFile(file), file + " is missing: " + CliReference.REGENERATE);
        assertEquals(
                current,
                Files.readString(file),
                CliReference.FILE + " is stale (a flag, default or description changed): " + CliReference.REGENERATE);
    }

    @Test
    void everyCommandAndFlagIsInIt() {
        String md = CliReference.markdown();
        assertTrue(md.contains("## ectstream demo\n"), "the demo has its section");
        assertTrue(md.contains("## ectstream topics create\n"), "subcommands of subcommands too");
        assertTrue(md.contains("| `--served-model FILE` | `models/fashion-ect.ckpt` |"), "flags with their defaults");
        assertTrue(md.contains("| `--grid FILE` |"), "generate --grid");
        assertTrue(
                !md.contains("${DEFAULT-VALUE}") && !md.contains("%%"), "descriptions are interpolated as --help does");
        assertEquals("ectstream-topics-create", CliReference.anchor("ectstream topics create"));
    }
}
