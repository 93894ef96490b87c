package io.ectstream.trainer.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.LocalParameterServer;
import ai.djl.training.optimizer.Optimizer;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reduce and update of data-parallel training through DJL's {@link LocalParameterServer}: it sums the replicas'
 * flat gradients onto the first replica's device (toDevice + addi), then hands that one sum to every replica's own
 * optimizer (moments per device), so that all replicas take the identical update. The whole parameter set is one DJL
 * "parameter": the flat vector of {@link io.ectstream.trainer.optim.FlatParameters}; each replica is known by the
 * identity of its first parameter array, which is what the server passes back as the weight (identity, not device:
 * {@code cpu,cpu} puts two replicas on one device).
 */
final class ReplicaUpdate {
    private static final String FLAT = "flat";

    private final List<TrainingModel> replicas;
    private final NDArray[] handles;
    private final Adapter adapter = new Adapter();
    private final LocalParameterServer server = new LocalParameterServer(adapter);

    ReplicaUpdate(List<TrainingModel> replicas) {
        this.replicas = List.copyOf(replicas);
        this.handles = new NDArray[replicas.size()];
        for (int k = 0; k < handles.length; k++) {
            handles[k] = replicas.get(k).parameters().arrays().get(0);
        }
    }

    /**
     * Sums {@code gradients} (one flat vector per replica, each already divided by the replica count so that the sum
     * is the full batch's mean gradient) and applies the sum to every replica with learning rate {@code lr}; each
     * replica's temporaries go to its own {@code stepManagers[k]}. Returns how many values of the summed gradient the
     * gradient guard replaced (0-d INT64, in {@code stepManagers[0]}).
     */
    NDArray apply(NDArray[] gradients, NDManager[] stepManagers, double lr) {
        adapter.targets.clear();
        for (int k = 0; k < handles.length; k++) {
            adapter.targets.put(handles[k], new Target(replicas.get(k), stepManagers[k], k == 0));
        }
        adapter.lr = lr;
        adapter.firstReplaced = null;
        server.update(FLAT, gradients, handles);
        return adapter.firstReplaced;
    }

    private static final class Builder extends Optimizer.OptimizerBuilder<Builder> {
        @Override
        protected Builder self() {
            return this;
        }
    }

    private record Target(TrainingModel replica, NDManager stepManager, boolean first) {}

    /** Our optimizers seen as a DJL optimizer over the one flat parameter (state per replica, in each replica). */
    private static final class Adapter extends Optimizer {
        final Map<NDArray, Target> targets = new IdentityHashMap<>();
        double lr;
        NDArray firstReplaced;

        Adapter() {
            super(new Builder());
        }

        @Override
        public void update(String parameterId, NDArray weight, NDArray grad) {
            Target target = targets.get(weight);
            if (target == null) {
                throw new IllegalStateException("the parameter server named a weight of no replica");
            }
            TrainingModel replica = target.replica();
            NDArray replaced = replica.optimizer().apply(replica.parameters(), grad, target.stepManager(), lr);
            if (target.first()) {
                firstReplaced = replaced;
            }
        }
    }
}
