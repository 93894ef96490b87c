package io.ectstream.fidtools.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Draws {@link FidCurves} with JFreeChart: FID on a log axis against kimg, a solid line with markers per ECT
 * curve and a dashed horizontal line per teacher level, in the colour of the sampler's ECT curve when there is one.
 * Needs no display: the caller sets java.awt.headless before the first AWT class loads.
 */
public final class FidPlot {
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)
    };
    private static final Color TEACHER_ONLY = new Color(0x404040);

    private FidPlot() {}

    public static BufferedImage render(FidCurves data, String title, int width, int height) {
        if (width < 100 || height < 100) {
            throw new IllegalArgumentException("plot size must be at least 100x100, not " + width + "x" + height);
        }
        XYSeriesCollection dataset = new XYSeriesCollection();
        for (FidCurves.Curve curve : data.curves()) {
            XYSeries series = new XYSeries(curve.label(), true, true);
            for (double[] p : curve.points()) {
                if (p[1] > 0 && Double.isFinite(p[1])) {
                    series.add(p[0], p[1]);
                }
            }
            dataset.addSeries(series);
        }
        NumberAxis x = new NumberAxis("images seen (kimg)");
        x.setAutoRangeIncludesZero(false);
        FidAxis y = new FidAxis("FID (log scale)");
        double[] range = data.fidRange();
        double lo = Math.max(range[0], 1e-6);
        double hi = Math.max(range[1], lo * 1.01);
        y.setRange(lo / 1.25, hi * 1.25);

        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        Map<String, Color> samplerColour = new HashMap<>();
        for (int i = 0; i < data.curves().size(); i++) {
            Color colour = PALETTE[i % PALETTE.length];
            renderer.setSeriesPaint(i, colour);
            renderer.setSeriesStroke(i, new BasicStroke(2f));
            samplerColour.putIfAbsent(data.curves().get(i).sampler(), colour);
        }
        XYPlot plot = new XYPlot(dataset, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        BasicStroke dashed =
                new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 5f}, 0f);
        for (FidCurves.TeacherLevel level : data.teacherLevels()) {
            if (!(level.fid() > 0) || !Double.isFinite(level.fid())) {
                continue;
            }
            ValueMarker marker =
                    new ValueMarker(level.fid(), samplerColour.getOrDefault(level.sampler(), TEACHER_ONLY), dashed);
            marker.setLabel(level.label() + String.format(Locale.ROOT, " (%.2f)", level.fid()));
            marker.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            marker.setLabelPaint(marker.getPaint());
            marker.setLabelBackgroundColor(new Color(255, 255, 255, 210));
            marker.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
            marker.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
            plot.addRangeMarker(marker);
        }
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart.createBufferedImage(width, height, BufferedImage.TYPE_INT_RGB, null);
    }

    public static void write(FidCurves data, String title, int width, int height, Path png) throws IOException {
        BufferedImage image = render(data, title, width, height);
        Path parent = png.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        if (!ImageIO.write(image, "png", png.toFile())) {
            throw new IOException("no PNG writer available");
        }
    }
}
