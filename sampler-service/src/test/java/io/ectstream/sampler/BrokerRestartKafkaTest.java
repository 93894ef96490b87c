package io.ectstream.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.EmbeddedKafkaBroker;
import io.ectstream.sampler.support.Checkpoints;
import io.ectstream.sampler.support.Gate;
import io.ectstream.sampler.support.GatedLoader;
import io.ectstream.sampler.support.RequestStream;
import io.ectstream.sampler.support.SamplerHarness;
import io.ectstream.sampler.support.SlowModelLoader;
import io.ectstream.sampler.support.TopicReader;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.GenerationResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker stops (its data kept) while the sampler has requests in flight, and starts again on the same port.
 * A result that could not be written then is sent again, never answered with an error: no request gets both an
 * error and a result. Some requests may be answered twice (those answered while their commit could not reach the
 * broker): at most the in-flight budget plus one poll, and the client deduplicates them by request id and chunk.
 */
@Tag(BrokerTest.TAG)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BrokerRestartKafkaTest {
    private static final Logger log = LoggerFactory.getLogger(BrokerRestartKafkaTest.class);

    @TempDir
    Path dir;

    @Test
    void aBrokerRestartMidStreamNeverAnswersARequestWithAnErrorAndAResult() throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        try (EmbeddedKafkaBroker broker =
                        EmbeddedKafkaBroker.start(Files.createDirectories(dir.resolve("kafka")), false, 0);
                SamplerHarness h = new SamplerHarness(broker, "restart", store, 2);
                TopicReader<GenerationResult> results = h.results();
                TopicReader<GenerationError> errors = h.errors()) {
            h.sendCheckpoint(Checkpoints.seeded(store, "run", 1, 5));
            SamplerConfig config = h.config("restart", 8, 5);
            Gate gate = new Gate();
            try (SamplerService sampler =
                    SamplerService.start(config, new GatedLoader(new SlowModelLoader(2.0), gate))) {
                assertTrue(sampler.awaitRecovery(RebalanceKafkaTest.WAIT));
                RequestStream stream = new RequestStream(h, "restart", "run");
                RebalanceKafkaTest.awaitAccepted(sampler, 100);
                // Requests in flight while the broker is away: a batch held at the gate, and those queued behind it.
                gate.close();
                assertTrue(gate.awaitEntered(RebalanceKafkaTest.WAIT.toMillis()));
                RebalanceKafkaTest.awaitAccepted(sampler, RebalanceKafkaTest.accepted(sampler) + 20);
                stream.stop();
                int inFlight = (int) sampler.metrics()
                        .registry()
                        .get("ect.sampler.requests.in.flight")
                        .gauge()
                        .value();
                broker.stop();
                gate.open();
                broker.startServer();
                RequestStream.Answers answers =
                        RebalanceKafkaTest.awaitSettled(broker, h, config, stream, results, errors);
                log.info(
                        "broker restart: {} requests ({} in flight when it stopped), {} results, {} duplicates, {} with an error and a result",
                        answers.sent(),
                        inFlight,
                        answers.results(),
                        answers.duplicates(),
                        answers.answeredTwiceDifferently().size());
                assertTrue(inFlight >= 20, inFlight + " requests in flight when the broker stopped");
                assertEquals(answers.sent(), answers.answered());
                assertTrue(
                        answers.answeredTwiceDifferently().isEmpty(),
                        "an error and a result: " + answers.answeredTwiceDifferently());
                int bound = 2 * config.admission().maxInFlightRequests();
                assertTrue(answers.duplicates() <= bound, answers.duplicates() + " duplicates, more than " + bound);
            }
        }
    }
}
