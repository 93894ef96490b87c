package io.ectstream.platform.kafka;

/**
 * The partitions a deployment's request topics (user and evaluation) need. Every sampler process is one consumer of
 * its group, however many generators it runs ({@code serve --device gpu:0,1} shares one intake and one batch queue
 * between its GPUs), and Kafka gives each partition to one consumer of the group. So: one process with k generators
 * needs 1 partition; k processes (one per GPU) need at least k, else the extra ones idle, and best a multiple of k,
 * else the split is uneven (3 partitions over 2 processes: one gets two, and the pair serves at most 1.5x one).
 */
public final class RequestPartitions {
    private RequestPartitions() {}

    /** One partition per sampler process of the group: the least that keeps every process busy, split evenly. */
    public static int forSamplerProcesses(int processes) {
        if (processes < 1) {
            throw new IllegalArgumentException("a deployment runs at least one sampler process, not " + processes);
        }
        return processes;
    }

    /** Partitions the busiest of {@code processes} consumers gets when the group splits {@code partitions}. */
    public static int busiestProcessPartitions(int partitions, int processes) {
        return (partitions + forSamplerProcesses(processes) - 1) / processes;
    }
}
