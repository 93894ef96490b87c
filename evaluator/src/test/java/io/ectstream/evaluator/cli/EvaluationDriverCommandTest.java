package io.ectstream.evaluator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.evaluator.driver.DriverConfig;
import io.ectstream.evaluator.driver.EvaluationPlan;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class EvaluationDriverCommandTest {

    @Test
    void defaultsAreTheFullRunsAndOptionsReachThePlanAndConfig() {
        EvaluationDriverCommand defaults = new EvaluationDriverCommand();
        new CommandLine(defaults).parseArgs();
        assertEquals(new EvaluationPlan(10_000, 250, 20_251_126L, 0.821, false), defaults.plan());
        assertEquals(
                new DriverConfig(
                        "ect-evaluation-driver",
                        "ect.checkpoints",
                        "ect.eval.requests",
                        "ect.generate.errors",
                        Duration.ofMillis(500),
                        Duration.ofSeconds(120)),
                defaults.driverConfig());

        EvaluationDriverCommand set = new EvaluationDriverCommand();
        new CommandLine(set)
                .parseArgs(
                        "--samples",
                        "500",
                        "--request-images",
                        "100",
                        "--seed",
                        "7",
                        "--t-mid",
                        "1.5",
                        "--teacher-few-step",
                        "--errors-topic",
                        "e",
                        "--retry-delay-ms",
                        "50",
                        "--retry-window-s",
                        "3");
        assertEquals(new EvaluationPlan(500, 100, 7, 1.5, true), set.plan());
        assertEquals("e", set.driverConfig().errorsTopic());
        assertEquals(Duration.ofSeconds(3), set.driverConfig().retryWindow());

        EvaluationDriverCommand bad = new EvaluationDriverCommand();
        new CommandLine(bad).parseArgs("--samples", "1");
        assertThrows(IllegalArgumentException.class, bad::plan);
    }

    @Test
    void backfillNeedsTheRunAndTheRunNeedsBackfill() {
        for (String[] args : new String[][] {{"--backfill"}, {"--run", "r"}}) {
            StringWriter err = new StringWriter();
            int exit = new CommandLine(new EvaluationDriverCommand())
                    .setErr(new PrintWriter(err))
                    .execute(args);
            assertEquals(2, exit);
            assertTrue(err.toString().contains("--backfill and --run go together"), err.toString());
        }
        EvaluationDriverCommand backfill = new EvaluationDriverCommand();
        new CommandLine(backfill).parseArgs("--backfill", "--run", "r", "--fid-topic", "f");
        assertEquals("f", backfill.fidTopic);
    }
}
