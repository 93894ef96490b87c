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
}
