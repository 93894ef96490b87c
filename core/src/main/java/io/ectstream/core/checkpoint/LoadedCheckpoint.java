package io.ectstream.core.checkpoint;

import java.util.Map;

/**
 * A verified checkpoint read back into host memory.
 * @param groups the groups that were asked for: group name -> (tensor name -> tensor), in file order
 */
public record LoadedCheckpoint(
        CheckpointMetadata metadata, Map<String, Map<String, HostTensor>> groups, long sizeBytes, String sha256) {

    /** The tensors of one group. @throws CheckpointException when the file has no such group or it was not read */
    public Map<String, HostTensor> group(String name) throws CheckpointException {
        Map<String, HostTensor> group = groups.get(name);
        if (group == null) {
            throw new CheckpointException(
                    "checkpoint has no tensor group '" + name + "' (read: " + groups.keySet() + ")");
        }
        return group;
    }

    /**
     * The tensors of one group, refused when any value is NaN or infinite: such weights cannot make an image (a
     * network with one NaN weight gives black or NaN images), so loading them would serve garbage under a valid SHA.
     */
    public Map<String, HostTensor> finiteGroup(String name) throws CheckpointException {
        Map<String, HostTensor> group = group(name);
        long nonFinite = 0;
        String first = null;
        for (Map.Entry<String, HostTensor> tensor : group.entrySet()) {
            float[] data = tensor.getValue().data();
            for (int i = 0; i < data.length; i++) {
                if (!Float.isFinite(data[i])) {
                    nonFinite++;
                    if (first == null) {
                        first = tensor.getKey() + "[" + i + "] = " + data[i];
                    }
                }
            }
        }
        if (nonFinite > 0) {
            throw new CheckpointException("checkpoint " + metadata.runId() + "@" + metadata.step() + ": its " + name
                    + " weights hold " + nonFinite + " non-finite value(s) (first: " + first + "); not loaded");
        }
        return group;
    }
}
