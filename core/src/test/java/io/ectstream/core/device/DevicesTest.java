package io.ectstream.core.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;

class DevicesTest {
    @Test
    void choosesCpuGpuOrAuto() {
        assertEquals(Device.cpu(), Devices.select("cpu"));
        assertEquals(Device.cpu(), Devices.select(" CPU "));
        boolean gpu = Engine.getInstance().getGpuCount() > 0;
        assertEquals(gpu ? Device.gpu() : Device.cpu(), Devices.select("auto"));
        if (!gpu) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Devices.select("gpu"));
            assertEquals(true, e.getMessage().contains("no GPU"));
        }
        assertThrows(IllegalArgumentException.class, () -> Devices.select("tpu"));
    }
}
