package io.ectstream.fidtools.plot;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.TickType;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;

/**
 * A base-10 log axis for FID with ticks at round numbers: 1, 2, 5 x 10^k over wide ranges, every integer
 * mantissa when the range spans less than about two decades (LogAxis's own ticks are evenly spaced in
 * log space and land on values like 44.668).
 */
final class FidAxis extends LogAxis {
    private static final int[] WIDE = {1, 2, 5};
    private static final int[] NARROW = {1, 2, 3, 4, 5, 6, 7, 8, 9};

    FidAxis(String label) {
        super(label);
        setBase(10);
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    protected List refreshTicksVertical(Graphics2D g2, Rectangle2D dataArea, RectangleEdge edge) {
        List ticks = new ArrayList();
        for (double value : tickValues(getLowerBound(), getUpperBound())) {
            ticks.add(new NumberTick(
                    TickType.MAJOR, value, format(value), TextAnchor.CENTER_RIGHT, TextAnchor.CENTER, 0.0));
        }
        return ticks;
    }

    static List<Double> tickValues(double lower, double upper) {
        List<Double> values = new ArrayList<>();
        if (!(lower > 0) || !(upper > lower)) {
            return values;
        }
        int[] mantissas = Math.log10(upper / lower) < 2 ? NARROW : WIDE;
        for (int k = (int) Math.floor(Math.log10(lower)); k <= (int) Math.ceil(Math.log10(upper)); k++) {
            for (int m : mantissas) {
                double value = m * Math.pow(10, k);
                if (value >= lower && value <= upper) {
                    values.add(value);
                }
            }
        }
        return values;
    }

    private static String format(double value) {
        return new DecimalFormat("0.###").format(value);
    }
}
