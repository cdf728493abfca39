package org.hubdns.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Small SVG charts written as text, so that report.html needs no script and no network: a line
 * chart over numeric axes (linear, or log10 on x) with optional vertical markers, and horizontal
 * bars with labels.
 */
final class Svg {
    static final String[] COLORS = {"#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777",
        "#4b5563"};

    private Svg() {
    }

    record Series(String name, double[] x, double[] y, String color, boolean dashed) {
    }

    record Marker(double x, String label) {
    }

    /**
     * @param logX x values are plotted as log10 (they must be positive)
     * @param xTickLabels null for numeric ticks; else labels for the ticks at {@code xTicks}
     */
    static String lineChart(String title, String xLabel, String yLabel, List<Series> series, boolean logX,
            double[] xTicks, String[] xTickLabels, List<Marker> markers, int width, int height) {
        int left = 70;
        int right = 20;
        int top = 30;
        int bottom = 50;
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double maxY = 0;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                double x = logX ? Math.log10(s.x()[i]) : s.x()[i];
                minX = Math.min(minX, x);
                maxX = Math.max(maxX, x);
                maxY = Math.max(maxY, s.y()[i]);
            }
        }
        if (xTicks != null) {
            for (double t : xTicks) {
                double x = logX ? Math.log10(t) : t;
                minX = Math.min(minX, x);
                maxX = Math.max(maxX, x);
            }
        }
        if (minX == Double.MAX_VALUE) {
            minX = 0;
            maxX = 1;
        }
        if (maxX <= minX) {
            maxX = minX + 1;
        }
        double yTop = niceCeil(maxY <= 0 ? 1 : maxY * 1.05);
        double plotW = width - left - right;
        double plotH = height - top - bottom;
        final double fMinX = minX;
        final double fMaxX = maxX;
        java.util.function.DoubleUnaryOperator px = x -> left + ((logX ? Math.log10(x) : x) - fMinX)
                / (fMaxX - fMinX) * plotW;
        java.util.function.DoubleUnaryOperator py = y -> top + plotH - y / yTop * plotH;

        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">", width, height, width, height, esc(title)));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"14\" font-weight=\"bold\">%s</text>",
                left, esc(title)));
        // y grid and ticks
        for (int i = 0; i <= 5; i++) {
            double v = yTop * i / 5;
            double y = py.applyAsDouble(v);
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e5e7eb\"/>",
                    left, left + plotW, y, y));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s"
                    + "</text>", left - 6, y + 4, num(v)));
        }
        // x ticks
        List<double[]> ticks = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        if (xTicks != null) {
            for (int i = 0; i < xTicks.length; i++) {
                ticks.add(new double[] {xTicks[i]});
                labels.add(xTickLabels != null ? xTickLabels[i] : num(xTicks[i]));
            }
        } else {
            double step = niceStep((maxX - minX) / 8);
            for (double v = Math.ceil(minX / step) * step; v <= maxX + 1e-9; v += step) {
                ticks.add(new double[] {v});
                labels.add(num(v));
            }
        }
        for (int i = 0; i < ticks.size(); i++) {
            double x = px.applyAsDouble(ticks.get(i)[0]);
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%.1f\" stroke=\"#f3f4f6\"/>",
                    x, x, top, top + plotH));
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\">"
                    + "%s</text>", x, top + plotH + 16, esc(labels.get(i))));
        }
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
                + "stroke=\"#9ca3af\"/>", left, top, plotW, plotH));
        sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%s"
                + "</text>", left + plotW / 2, height - 8, esc(xLabel)));
        sb.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%.1f\" font-size=\"12\" text-anchor=\"middle\" "
                + "transform=\"rotate(-90 14 %.1f)\">%s</text>", top + plotH / 2, top + plotH / 2, esc(yLabel)));
        if (markers != null) {
            for (Marker m : markers) {
                double x = px.applyAsDouble(m.x());
                sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%.1f\" "
                        + "stroke=\"#111827\" stroke-dasharray=\"4 3\"/>", x, x, top, top + plotH));
                sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\">%s</text>", x + 4,
                        top + 12, esc(m.label())));
            }
        }
        int legendX = left + 10;
        for (Series s : series) {
            if (s.x().length == 0) {
                continue;
            }
            StringBuilder pts = new StringBuilder();
            for (int i = 0; i < s.x().length; i++) {
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px.applyAsDouble(s.x()[i]),
                        py.applyAsDouble(s.y()[i])));
            }
            sb.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\"%s "
                    + "points=\"%s\"/>", s.color(), s.dashed() ? " stroke-dasharray=\"5 3\"" : "", pts.toString().strip()));
            if (s.x().length == 1) {
                sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>",
                        px.applyAsDouble(s.x()[0]), py.applyAsDouble(s.y()[0]), s.color()));
            }
            sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>", legendX, top + 8, s.color(), legendX + 16,
                    top + 12, esc(s.name())));
            legendX += 24 + s.name().length() * 7;
        }
        sb.append("</svg>");
        return sb.toString();
    }

    /** @param color null for the next colour in turn */
    record Bar(String label, double value, String note, String color) {
    }

    /** Horizontal bars scaled to the largest value, each with its label on the left and a note on the right. */
    static String bars(String title, List<Bar> bars, int width) {
        int rowH = 24;
        int labelW = 170;
        int noteW = 190;
        int height = 30 + rowH * Math.max(1, bars.size()) + 10;
        double max = 0;
        for (Bar b : bars) {
            max = Math.max(max, b.value());
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">", width, height, width, height, esc(title)));
        sb.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"18\" font-size=\"14\" font-weight=\"bold\">%s</text>",
                esc(title)));
        int y = 30;
        int i = 0;
        for (Bar b : bars) {
            double w = max <= 0 ? 0 : b.value() / max * (width - labelW - noteW - 10);
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"end\">%s</text>",
                    labelW - 8, y + 15, esc(b.label())));
            sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>",
                    labelW, y + 3, Math.max(w, 1), rowH - 6, b.color() != null ? b.color() : COLORS[i % COLORS.length]));
            i++;
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"12\">%s</text>",
                    labelW + Math.max(w, 1) + 6, y + 15, esc(b.note())));
            y += rowH;
        }
        if (bars.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\">(nothing)</text>", labelW,
                    y + 15));
        }
        sb.append("</svg>");
        return sb.toString();
    }

    static double niceCeil(double v) {
        double step = niceStep(v / 5);
        return Math.ceil(v / step) * step;
    }

    static double niceStep(double raw) {
        if (raw <= 0) {
            return 1;
        }
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double n = raw / mag;
        double nice = n <= 1 ? 1 : n <= 2 ? 2 : n <= 2.5 ? 2.5 : n <= 5 ? 5 : 10;
        return nice * mag;
    }

    static String num(double v) {
        double a = Math.abs(v);
        if (a >= 1e6) {
            return trim(String.format(Locale.ROOT, "%.2f", v / 1e6)) + "M";
        }
        if (a >= 1e4) {
            return trim(String.format(Locale.ROOT, "%.1f", v / 1e3)) + "k";
        }
        if (a >= 100 || v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 1) {
            return trim(String.format(Locale.ROOT, "%.2f", v));
        }
        return trim(String.format(Locale.ROOT, "%.3f", v));
    }

    private static String trim(String s) {
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
