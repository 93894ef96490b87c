package io.ectstream.platform.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The topic and ACL tables of docs/own-cluster.md are what the code defines now. With
 * -Dectstream.docs.regenerate=true the test writes them instead of failing.
 */
class TopicTablesTest {
    private static final Path REPO = Path.of(System.getProperty("ectstream.repo.root", ".."))
            .toAbsolutePath()
            .normalize();

    @Test
    void theTablesOfTheTopicsAndTheAclsAreCurrent() throws Exception {
        Path file = REPO.resolve(TopicTables.FILE);
        String committed = Files.readString(file);
        String current = TopicTables.replaced(
                TopicTables.replaced(committed, "topics", TopicTables.topics()), "ACL", TopicTables.acls());
        if (Boolean.getBoolean("ectstream.docs.regenerate")) {
            Files.writeString(file, current);
        }
        assertEquals(
                current,
                Files.readString(file),
                TopicTables.FILE + ": a topic or ACL table differs from the code: " + TopicTables.REGENERATE);
    }

    @Test
    void theTablesNameEveryRoleAndEveryService() {
        String topics = TopicTables.topics();
        assertTrue(topics.contains("| evaluation-requests | ect.eval.requests | 3 |"), topics);
        assertTrue(topics.contains("`max.message.bytes=33554432`"), topics);
        String acls = TopicTables.acls();
        assertTrue(acls.contains("| sampler | requests, evaluation-requests, checkpoints: READ, DESCRIBE;"), acls);
        assertTrue(acls.contains("| evaluator |"), acls);
    }
}
