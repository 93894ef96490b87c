package io.ectstream.evaluator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.evaluator.mirror.JsonMirror;
import io.ectstream.evaluator.mirror.MirroredTopic;
import io.ectstream.platform.kafka.ServiceAccess;
import io.ectstream.platform.kafka.TopicLayout;
import io.ectstream.platform.kafka.TopicRole;
import io.ectstream.platform.kafka.Topics;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What mirror-json copies, from the same topic flags as {@code topics}. */
class MirrorJsonCommandTest {
    private static List<String> copies(String... args) {
        MirrorJsonCommand command = new MirrorJsonCommand();
        new CommandLine(command).parseArgs(args);
        return MirroredTopic.of(command.topics.layout()).stream()
                .map(t -> t.source().name() + " -> " + t.target().name())
                .toList();
    }

    @Test
    void mirrorsEveryTopicOfAvroRecordsByDefault() {
        assertEquals(
                List.of(
                        "ect.checkpoints -> ect.checkpoints.json",
                        "ect.train.progress -> ect.train.progress.json",
                        "ect.generate.requests -> ect.generate.requests.json",
                        "ect.eval.requests -> ect.eval.requests.json",
                        "ect.generate.results -> ect.generate.results.json",
                        "ect.generate.errors -> ect.generate.errors.json",
                        "ect.eval.fid -> ect.eval.fid.json"),
                copies());
    }

    @Test
    void onlyAndTopicNamesComeFromTheTopicFlags() {
        MirrorJsonCommand command = new MirrorJsonCommand();
        new CommandLine(command).parseArgs("--only", "fid,reference-stats", "--topic", "fid=team.fid");
        assertEquals(
                List.of("team.fid -> team.fid.json"),
                MirroredTopic.of(command.topics.layout()).stream()
                        .map(t -> t.source().name() + " -> " + t.target().name())
                        .toList());
        // The errors topic for the mirror's own error records, even when --only leaves it out.
        assertEquals(
                "ect.generate.errors",
                command.topics.allRoles().get(TopicRole.ERRORS).name());
        assertEquals("ect-json-mirror", command.applicationId);
    }

    @Test
    void onlyRolesWithoutAvroRecordsIsAUsageError() {
        java.io.StringWriter err = new java.io.StringWriter();
        int status = new CommandLine(new MirrorJsonCommand())
                .setErr(new java.io.PrintWriter(err))
                .execute("--only", "reference-stats,results-json");
        assertEquals(2, status);
        assertEquals(
                "--only names no role with Avro records to mirror",
                err.toString().lines().findFirst().orElse(""));
    }

    /** Its start check is its declaration's: whatever --only selects, the sources and the errors topic it writes. */
    @Test
    void whatItReadsAndWritesIsWhatItDeclares() {
        for (String only : List.of("", "fid", "checkpoints,progress,requests,evaluation-requests,errors,fid")) {
            MirrorJsonCommand command = new MirrorJsonCommand();
            new CommandLine(command).parseArgs(only.isEmpty() ? new String[0] : new String[] {"--only", only});
            List<MirroredTopic> mirrored = MirroredTopic.of(command.topics.layout());
            Topics used = JsonMirror.used(mirrored, "ect.generate.errors");
            ServiceAccess.JSON_MIRROR.requireDeclared(used);
            mirrored.forEach(t -> assertTrue(
                    ServiceAccess.JSON_MIRROR.jsonCopies().contains(t.source().role()), t.toString()));
        }
        assertEquals(
                MirroredTopic.of(TopicLayout.defaults()).stream()
                        .map(t -> t.source().role())
                        .toList(),
                ServiceAccess.JSON_MIRROR.jsonCopies());
    }
}
