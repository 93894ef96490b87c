package io.ectstream.core.device;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The text of --device, parsed: {@code auto}, {@code cpu}, {@code gpu} (the first GPU), {@code gpu:N}, or a list of
 * generators' devices such as {@code gpu:0,1} (= {@code gpu:0,gpu:1}) or {@code cpu,cpu}. A bare index continues
 * the GPU entry before it. A GPU index may appear once; {@code cpu} may repeat (each entry is one generator with its
 * own copy of the model); {@code auto} and an index-less {@code gpu} only stand alone. {@link #resolve} checks the
 * indices against the GPUs the engine sees.
 */
public final class DeviceChoice {
    /** The forms --device takes, for help texts and errors. */
    public static final String FORMS = "auto, cpu, gpu, gpu:N or a list such as gpu:0,1";

    private static final int AUTO = -2;
    private static final int CPU = -3;
    private static final int FIRST_GPU = -1;

    private final String text;
    /** Per entry: AUTO, CPU, FIRST_GPU, or a GPU index. */
    private final List<Integer> entries;

    private DeviceChoice(String text, List<Integer> entries) {
        this.text = text;
        this.entries = entries;
    }

    public static DeviceChoice parse(String text) {
        String trimmed = text == null ? "auto" : text.trim().toLowerCase(Locale.ROOT);
        if (trimmed.isEmpty()) {
            throw invalid(text, "it is empty");
        }
        List<Integer> entries = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        boolean afterGpu = false;
        for (String raw : trimmed.split(",", -1)) {
            String part = raw.trim();
            int entry;
            if (part.equals("auto")) {
                entry = AUTO;
            } else if (part.equals("cpu")) {
                entry = CPU;
            } else if (part.equals("gpu") || part.equals("cuda")) {
                entry = FIRST_GPU;
            } else if (part.startsWith("gpu:") || part.startsWith("cuda:")) {
                entry = index(text, part.substring(part.indexOf(':') + 1));
            } else if (afterGpu && !part.isEmpty() && part.chars().allMatch(Character::isDigit)) {
                entry = index(text, part);
            } else {
                throw invalid(text, "'" + part + "' is not a device");
            }
            if (entry >= 0 && !seen.add(entry)) {
                throw invalid(text, "gpu:" + entry + " is named twice (one generator per GPU)");
            }
            afterGpu = entry >= 0;
            entries.add(entry);
        }
        if (entries.size() > 1 && (entries.contains(AUTO) || entries.contains(FIRST_GPU))) {
            throw invalid(text, "auto and gpu (without an index) stand alone; a list names indices, e.g. gpu:0,1");
        }
        return new DeviceChoice(text.trim(), List.copyOf(entries));
    }

    private static int index(String text, String digits) {
        if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit) || digits.length() > 4) {
            throw invalid(text, "'" + digits + "' is not a GPU index (0, 1, ...)");
        }
        return Integer.parseInt(digits);
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException("--device '" + text + "': " + why + "; it takes " + FORMS);
    }

    /** The text as given. */
    public String text() {
        return text;
    }

    /** How many generators (devices) it names. */
    public int size() {
        return entries.size();
    }

    public boolean isAuto() {
        return entries.equals(List.of(AUTO));
    }

    /** Only CPUs: the engine need not look for a GPU. */
    public boolean cpuOnly() {
        return entries.stream().allMatch(e -> e == CPU);
    }

    /** Whether it names GPUs explicitly (everything but auto and CPUs). */
    public boolean wantsGpu() {
        return entries.stream().anyMatch(e -> e >= FIRST_GPU);
    }

    /**
     * The devices, one per entry, given the GPUs the engine can use: auto is GPU 0 when there is one, else the CPU.
     *
     * @throws DeviceUnavailableException when an index is not below {@code gpuCount}, naming the GPUs there are
     */
    public List<Device> resolve(int gpuCount) {
        List<Device> devices = new ArrayList<>(entries.size());
        for (int entry : entries) {
            if (entry == CPU) {
                devices.add(Device.cpu());
            } else if (entry == AUTO) {
                devices.add(gpuCount > 0 ? Device.gpu(0) : Device.cpu());
            } else {
                int index = Math.max(0, entry);
                if (index >= gpuCount) {
                    throw new DeviceUnavailableException("--device " + text + ": there is no gpu:" + index + "; "
                            + visible(gpuCount) + " (CUDA_VISIBLE_DEVICES renumbers them from 0)");
                }
                devices.add(Device.gpu(index));
            }
        }
        return devices;
    }

    /** "this machine shows 2 GPUs: gpu:0, gpu:1", or that it shows none. */
    static String visible(int gpuCount) {
        if (gpuCount == 0) {
            return "PyTorch sees no GPU here";
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < gpuCount; i++) {
            names.add("gpu:" + i);
        }
        return "PyTorch sees " + gpuCount + (gpuCount == 1 ? " GPU: " : " GPUs: ") + String.join(", ", names);
    }

    @Override
    public String toString() {
        return text;
    }
}
