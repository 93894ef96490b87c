package io.ectstream.core.device;

import ai.djl.Device;
import ai.djl.engine.Engine;

/** Device choice at the edge: "cpu", "gpu" (the first GPU; fails clearly without one) or "auto". */
public final class Devices {
    private Devices() {
    }

    public static Device select(String choice) {
        String c = choice == null ? "auto" : choice.trim().toLowerCase(java.util.Locale.ROOT);
        int gpus = Engine.getInstance().getGpuCount();
        return switch (c) {
            case "cpu" -> Device.cpu();
            case "gpu", "cuda" -> {
                if (gpus < 1) {
                    throw new IllegalArgumentException("device gpu requested but DJL sees no GPU (engine "
                        + Engine.getInstance().getEngineName() + ")");
                }
                yield Device.gpu();
            }
            case "auto" -> gpus > 0 ? Device.gpu() : Device.cpu();
            default -> throw new IllegalArgumentException("device must be auto, cpu or gpu, not '" + choice + "'");
        };
    }
}
