package io.ectstream.schemas.topics;

/** The topics between the services. Every name is a default; each service takes its own from configuration. */
public record TopicNames(
        String checkpoints,
        String trainProgress,
        String generateRequests,
        String generateResults,
        String generateErrors,
        String evalFid) {

    public static TopicNames defaults() {
        return new TopicNames(
                "ect.checkpoints",
                "ect.train.progress",
                "ect.generate.requests",
                "ect.generate.results",
                "ect.generate.errors",
                "ect.eval.fid");
    }
}
