package io.ectstream.core.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DevicesTest {
    @Test
    void choosesCpuGpuOrAuto() {
        assertEquals(Device.cpu(), Devices.select("cpu"));
        assertEquals(Device.cpu(), Devices.select(" CPU "));
        boolean gpu = Engine.getInstance().getGpuCount() > 0;
        assertEquals(gpu ? Device.gpu() : Device.cpu(), Devices.select("auto"));
        assertThrows(IllegalArgumentException.class, () -> Devices.select("tpu"));
    }

    /** On this CPU-only machine, with the jar's CPU build: --device gpu fails at once with doctor's advice. */
    @Test
    void gpuWithoutOneFailsWithTheFixNamingPytorchLibraryPath() {
        if (Engine.getInstance().getGpuCount() > 0) {
            return;
        }
        DeviceUnavailableException e =
                assertThrows(DeviceUnavailableException.class, () -> Devices.select(DeviceOptions.of("gpu"), Map.of()));
        assertTrue(e.getMessage().contains("CPU build of libtorch bundled in the jar"), e.getMessage());
        assertTrue(e.getMessage().contains("export PYTORCH_LIBRARY_PATH="), e.getMessage());
        assertTrue(e.getMessage().contains("--allow-native-download"), e.getMessage());
        assertTrue(e.getMessage().contains("no GPU is visible"), e.getMessage());
        assertTrue(e.getMessage().contains("ectstream doctor"), e.getMessage());
    }

    @Test
    void diagnosisOfTheBundledCpuBuild() {
        DeviceDiagnosis d = DeviceDiagnosis.run(DeviceOptions.of("gpu"), Map.of());
        assertTrue(d.engineStarted());
        assertTrue(
                d.report().get(0).startsWith("engine: PyTorch 2.7.1 through DJL 0.36.0"),
                d.report().get(0));
        assertTrue(
                d.report().stream().anyMatch(l -> l.startsWith("JNI: ") && l.contains("libdjl_torch")),
                d.report().toString());
        assertTrue(
                d.report().stream().anyMatch(l -> l.startsWith("threads: intra-op ")),
                d.report().toString());
        if (Engine.getInstance().getGpuCount() == 0) {
            assertFalse(d.gpuUsable());
            assertTrue(
                    d.report().stream().anyMatch(l -> l.contains("CUDA build: no")),
                    d.report().toString());
        }
    }

    /** A PYTORCH_LIBRARY_PATH without libtorch is refused rather than quietly replaced by the bundled CPU build. */
    @Test
    void aNamedFolderWithoutLibtorchIsRefusedWithTheFix(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        NativeLibraries.Start start = NativeLibraries.doStart(false, Map.of("PYTORCH_LIBRARY_PATH", dir.toString()));
        assertFalse(start.started());
        assertEquals(NativeLibraries.Source.USER, start.source());
        DeviceDiagnosis d = DeviceDiagnosis.of(start, Map.of("PYTORCH_LIBRARY_PATH", dir.toString()), true);
        assertFalse(d.engineStarted());
        String advice = d.advice();
        assertTrue(advice.contains("holds no " + System.mapLibraryName("torch")), advice);
        assertTrue(advice.contains("site-packages/torch/lib"), advice);
    }
}
