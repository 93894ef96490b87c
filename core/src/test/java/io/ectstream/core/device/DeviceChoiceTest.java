package io.ectstream.core.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeviceChoiceTest {
    @Test
    void singleDevices() {
        assertEquals(List.of(Device.cpu()), DeviceChoice.parse(" CPU ").resolve(2));
        assertEquals(List.of(Device.gpu(0)), DeviceChoice.parse("gpu").resolve(2));
        assertEquals(List.of(Device.gpu(0)), DeviceChoice.parse("cuda").resolve(1));
        assertEquals(List.of(Device.gpu(1)), DeviceChoice.parse("gpu:1").resolve(2));
        assertEquals(List.of(Device.gpu(1)), DeviceChoice.parse("cuda:1").resolve(2));
        assertEquals(List.of(Device.gpu(0)), DeviceChoice.parse("auto").resolve(2));
        assertEquals(List.of(Device.cpu()), DeviceChoice.parse("auto").resolve(0));
        assertTrue(DeviceChoice.parse("auto").isAuto());
        assertTrue(DeviceChoice.parse("cpu").cpuOnly());
        assertFalse(DeviceChoice.parse("auto").wantsGpu());
        assertTrue(DeviceChoice.parse("gpu:0").wantsGpu());
    }

    @Test
    void listsNameOneDevicePerGenerator() {
        assertEquals(
                List.of(Device.gpu(0), Device.gpu(1)),
                DeviceChoice.parse("gpu:0,1").resolve(2));
        assertEquals(
                List.of(Device.gpu(1), Device.gpu(0)),
                DeviceChoice.parse("gpu:1, gpu:0").resolve(2));
        assertEquals(
                List.of(Device.gpu(2), Device.gpu(3)),
                DeviceChoice.parse("gpu:2,3").resolve(4));
        assertEquals(
                List.of(Device.cpu(), Device.cpu()),
                DeviceChoice.parse("cpu,cpu").resolve(0));
        assertEquals(
                List.of(Device.cpu(), Device.gpu(0)),
                DeviceChoice.parse("cpu,gpu:0").resolve(1));
        assertEquals(2, DeviceChoice.parse("gpu:0,1").size());
        assertTrue(DeviceChoice.parse("cpu,cpu").cpuOnly());
    }

    @Test
    void anIndexBeyondTheVisibleGpusNamesThem() {
        DeviceUnavailableException e = assertThrows(
                DeviceUnavailableException.class,
                () -> DeviceChoice.parse("gpu:0,2").resolve(2));
        assertEquals(
                "--device gpu:0,2: there is no gpu:2; PyTorch sees 2 GPUs: gpu:0, gpu:1"
                        + " (CUDA_VISIBLE_DEVICES renumbers them from 0)",
                e.getMessage());
        e = assertThrows(
                DeviceUnavailableException.class,
                () -> DeviceChoice.parse("gpu:1").resolve(1));
        assertTrue(e.getMessage().contains("PyTorch sees 1 GPU: gpu:0"), e.getMessage());
        e = assertThrows(
                DeviceUnavailableException.class,
                () -> DeviceChoice.parse("gpu").resolve(0));
        assertTrue(e.getMessage().contains("PyTorch sees no GPU here"), e.getMessage());
    }

    @Test
    void duplicatesAndJunkAreRefusedNamingTheForms() {
        for (String bad : List.of(
                "gpu:0,0",
                "gpu:1,gpu:1",
                "tpu",
                "gpu:",
                "gpu:x",
                "gpu:-1",
                "0",
                "cpu,1",
                "gpu:0,",
                ",",
                "",
                "gpu,gpu:1",
                "auto,cpu",
                "gpu:0;1",
                "gpu:99999")) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> DeviceChoice.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("--device '" + bad + "': "), e.getMessage());
            assertTrue(e.getMessage().endsWith("it takes " + DeviceChoice.FORMS), e.getMessage());
        }
        IllegalArgumentException twice =
                assertThrows(IllegalArgumentException.class, () -> DeviceChoice.parse("gpu:0,1,0"));
        assertTrue(twice.getMessage().contains("gpu:0 is named twice"), twice.getMessage());
    }

    /** Commands that run one network (train, score, bench-train) go through select, which refuses a list. */
    @Test
    void oneNetworkCommandsRefuseAList() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> Devices.select(DeviceOptions.of("cpu,cpu"), Map.of()));
        assertTrue(e.getMessage().startsWith("--device cpu,cpu names 2 devices, but this command runs one network"));
        assertEquals(List.of(Device.cpu(), Device.cpu()), Devices.selectAll(DeviceOptions.of("cpu,cpu"), Map.of()));
    }
}
