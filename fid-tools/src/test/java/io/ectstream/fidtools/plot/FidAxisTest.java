package io.ectstream.fidtools.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class FidAxisTest {
    @Test
    void roundTicksOneTwoFiveOverWideRangesEveryMantissaOverNarrowOnes() {
        assertEquals(List.of(2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0), FidAxis.tickValues(1.5, 300));
        assertEquals(List.of(20.0, 30.0, 40.0, 50.0, 60.0), FidAxis.tickValues(16, 62.5));
        assertEquals(List.of(), FidAxis.tickValues(0, 10));
    }
}
