package io.ectstream.trainer.loop;

import io.ectstream.schemas.Phase;
import io.ectstream.schemas.TrainingProgress;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** Throughput and ETA over the interval since the previous report, and the progress line that shows them. */
final class ProgressMeter {
    private long lastNanos = System.nanoTime();
    private long lastImages;

    ProgressMeter(long imagesSeen) {
        this.lastImages = imagesSeen;
    }

    record Report(TrainingProgress event, String line) {}

    Report report(
            String runId,
            long step,
            long totalSteps,
            long imagesSeen,
            long totalImages,
            Phase phase,
            int stage,
            double loss,
            long nonFiniteGradientValues) {
        long now = System.nanoTime();
        double seconds = Math.max(1e-9, (now - lastNanos) / 1e9);
        double imagesPerSecond = (imagesSeen - lastImages) / seconds;
        Double eta = imagesPerSecond > 0 ? (totalImages - imagesSeen) / imagesPerSecond : null;
        lastNanos = now;
        lastImages = imagesSeen;
        TrainingProgress event = TrainingProgress.newBuilder()
                .setRunId(runId)
                .setStep(step)
                .setImagesSeen(imagesSeen)
                .setTotalImages(totalImages)
                .setPhase(phase)
                .setEctStage(stage)
                .setLoss(loss)
                .setImagesPerSecond(imagesPerSecond)
                .setEtaSeconds(eta)
                .setNonFiniteGradientValues(nonFiniteGradientValues)
                .setTimestamp(Instant.now())
                .build();
        String line = String.format(
                Locale.ROOT,
                "step %d/%d kimg %.1f/%.1f phase %s stage %d loss %.4f images/s %.1f ETA %s non-finite gradient values %d",
                step,
                totalSteps,
                imagesSeen / 1000.0,
                totalImages / 1000.0,
                phase,
                stage,
                loss,
                imagesPerSecond,
                eta == null ? "?" : formatDuration(eta),
                nonFiniteGradientValues);
        return new Report(event, line);
    }

    static String formatDuration(double seconds) {
        Duration d = Duration.ofSeconds((long) Math.ceil(seconds));
        return String.format(Locale.ROOT, "%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
    }
}
