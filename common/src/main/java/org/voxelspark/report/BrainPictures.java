package org.voxelspark.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.voxelspark.geometry.Box;

/**
 * Brain pictures: slices of {@link Layer}s on one {@link RasVolume} grid, as a mosaic of axial
 * slices ({@link #axialMosaic}) or as three orthogonal slices through a point ({@link #orthogonal}).
 *
 * <p><b>Every picture is labelled</b>: each slice carries the labels of its left and right edges
 * (L/R for axial and coronal slices in either {@link Convention}, P/A for sagittal ones) and its
 * world coordinate ("z = 12 mm"); the caption line names the convention and the stored
 * orientation; colour bars give the range and the unit.
 *
 * <p><b>Pixels</b>: voxels as blocks ({@link SliceView}), layers composited in order (alpha
 * blending of each layer's ARGB over the ones before), outlines drawn one pixel wide on the
 * boundary of the mask's pixels, background black.
 *
 * <p>Stateless and thread-safe.
 */
public final class BrainPictures {
  private BrainPictures() {}

  static final Color BACKGROUND = Color.BLACK;
  static final Color LABEL = Color.WHITE;
  static final Color LABEL_HALO = Color.BLACK;
  /** Pixels between tiles. */
  static final int GAP = 6;
  /** Frame around each slice, separating neighbouring slices' edge labels. */
  static final Color FRAME = new Color(0x44, 0x44, 0x44);
  static final int MARGIN = 10;
  static final int TITLE_HEIGHT = 40;

  /**
   * A mosaic of axial slices.
   *
   * @param title first line, e.g. "FA: fractional anisotropy"
   * @param layers bottom first; all on one grid
   * @param crop the RAS box shown (e.g. {@link RasVolume#contentBox}); slices are chosen within its z range
   *     (give a box without margin along z to keep every slice inside the content)
   * @param slices number of axial slices (evenly spaced inside the crop's z range, ends excluded)
   * @param columns tiles per row
   * @param tilePixels about this many pixels for the larger in-plane extent of a tile
   * @param colourBars bars under the mosaic (each a list of segments and a label with its unit);
   *     may be empty
   */
  public record Mosaic(String title, List<Layer> layers, Box crop, int slices, int columns, int tilePixels, Convention convention,
      List<ColourBarSpec> colourBars) {
    public Mosaic {
      layers = List.copyOf(layers);
      colourBars = List.copyOf(colourBars);
      if (layers.isEmpty() || slices < 1 || columns < 1 || tilePixels < 8) {
        throw new IllegalArgumentException("a mosaic needs layers, ≥ 1 slice, ≥ 1 column and tiles of ≥ 8 px");
      }
    }
  }

  /** One colour bar: segments side by side and a label ("{scale}" is replaced by a power of ten when needed). */
  public record ColourBarSpec(List<Figures.BarSegment> segments, String label) {
    public ColourBarSpec {
      segments = List.copyOf(segments);
    }

    /** A single map over [min, max]. */
    public static ColourBarSpec of(ColourMap map, double min, double max, String label) {
      return new ColourBarSpec(List.of(new Figures.BarSegment(map, 0, 1, min, max)), label);
    }

    /** The two (or one) bars of a {@link Layer.Thresholded} overlay. */
    public static ColourBarSpec thresholded(Layer.Thresholded t, String label) {
      List<Figures.BarSegment> s = new ArrayList<>();
      if (t.twoSided()) {
        s.add(new Figures.BarSegment(ColourMap.BLUE_CYAN, 1, 0, -t.max(), -t.threshold()));
      }
      s.add(new Figures.BarSegment(ColourMap.RED_YELLOW, 0, 1, t.threshold(), t.max()));
      return new ColourBarSpec(s, label);
    }
  }

  /** The axial slice indices a mosaic shows: {@code slices} evenly spaced strictly inside [k0, k1). */
  public static int[] mosaicSlices(Box crop, int slices) {
    int n = Math.min(slices, crop.sizeK());
    int[] ks = new int[n];
    for (int q = 0; q < n; q++) {
      ks[q] = crop.k0() + (int) Math.floor((q + 1) * crop.sizeK() / (double) (n + 1));
    }
    return ks;
  }

  /** Renders a {@link Mosaic}. */
  public static BufferedImage axialMosaic(Mosaic m) {
    RasVolume base = m.layers().get(0).volume();
    requireSameGrid(m.layers());
    int[] ks = mosaicSlices(m.crop(), m.slices());
    double ppmm = SliceView.pixelsPerMm(base, Plane.AXIAL, m.crop(), m.tilePixels());
    SliceView first = SliceView.of(base, Plane.AXIAL, ks[0], m.crop(), m.convention(), ppmm);
    int tw = first.width();
    int th = first.height();
    int columns = Math.min(m.columns(), ks.length);
    int rows = (ks.length + columns - 1) / columns;
    int gridW = columns * tw + (columns - 1) * GAP;
    int width = Math.max(gridW + 2 * MARGIN, 480);
    int barsH = m.colourBars().size() * (Figures.COLOUR_BAR_HEIGHT + 6);
    int height = TITLE_HEIGHT + rows * th + (rows - 1) * GAP + MARGIN + barsH + MARGIN;
    BufferedImage img = Figures.newImage(width, height, BACKGROUND);
    Graphics2D g = Figures.graphics(img);
    drawTitle(g, m.title(), "axial slices, " + m.convention().describe() + "; stored " + base.storedOrientation(), width);
    int x0 = (width - gridW) / 2;
    for (int q = 0; q < ks.length; q++) {
      SliceView v = SliceView.of(base, Plane.AXIAL, ks[q], m.crop(), m.convention(), ppmm);
      int x = x0 + (q % columns) * (tw + GAP);
      int y = TITLE_HEIGHT + (q / columns) * (th + GAP);
      g.drawImage(tile(m.layers(), v), x, y, null);
      g.setColor(FRAME);
      g.drawRect(x - 1, y - 1, tw + 1, th + 1);
      labelTile(g, v, base, x, y, tw, th, false, null);
    }
    drawBars(g, m.colourBars(), width, TITLE_HEIGHT + rows * th + (rows - 1) * GAP + MARGIN);
    g.dispose();
    return img;
  }

  /**
   * Three orthogonal slices (sagittal, coronal, axial) through a RAS voxel, with a cross-hair.
   *
   * @param title first line
   * @param layers bottom first; all on one grid
   * @param crop the RAS box shown
   * @param at the RAS voxel (i, j, k) the slices pass through
   * @param tilePixels about this many pixels for the larger extent of each slice
   */
  public record Orthogonal(String title, List<Layer> layers, Box crop, int[] at, int tilePixels, Convention convention,
      List<ColourBarSpec> colourBars) {
    public Orthogonal {
      layers = List.copyOf(layers);
      colourBars = List.copyOf(colourBars);
      at = at.clone();
      if (layers.isEmpty() || at.length != 3) {
        throw new IllegalArgumentException("orthogonal slices need layers and a voxel (i, j, k)");
      }
    }
  }

  /** Renders an {@link Orthogonal} view. */
  public static BufferedImage orthogonal(Orthogonal o) {
    RasVolume base = o.layers().get(0).volume();
    requireSameGrid(o.layers());
    Plane[] planes = {Plane.SAGITTAL, Plane.CORONAL, Plane.AXIAL};
    // one scale for the three slices, so that a millimetre is as long in each
    double ppmm = Double.MAX_VALUE;
    for (Plane p : planes) {
      ppmm = Math.min(ppmm, SliceView.pixelsPerMm(base, p, o.crop(), o.tilePixels()));
    }
    SliceView[] views = new SliceView[3];
    int gridW = 0;
    int tileH = 0;
    for (int q = 0; q < 3; q++) {
      views[q] = SliceView.of(base, planes[q], o.at()[planes[q].normal()], o.crop(), o.convention(), ppmm);
      gridW += views[q].width() + (q > 0 ? GAP * 3 : 0);
      tileH = Math.max(tileH, views[q].height());
    }
    int width = Math.max(gridW + 2 * MARGIN, 480);
    int barsH = o.colourBars().size() * (Figures.COLOUR_BAR_HEIGHT + 6);
    int height = TITLE_HEIGHT + tileH + MARGIN + barsH + MARGIN;
    BufferedImage img = Figures.newImage(width, height, BACKGROUND);
    Graphics2D g = Figures.graphics(img);
    double[] w = base.world(o.at()[0], o.at()[1], o.at()[2]);
    drawTitle(g, o.title(), String.format(java.util.Locale.ROOT, "through (x, y, z) = (%s, %s, %s) mm; %s",
        Figures.fixed(w[0], 0), Figures.fixed(w[1], 0), Figures.fixed(w[2], 0), o.convention().describe()), width);
    int x = (width - gridW) / 2;
    for (SliceView v : views) {
      int y = TITLE_HEIGHT + (tileH - v.height()) / 2;
      g.drawImage(tile(o.layers(), v), x, y, null);
      // cross-hair through the point
      g.setColor(new Color(255, 255, 255, 110));
      g.setStroke(new BasicStroke(1f));
      int cx = (int) Math.round(v.pixelX(o.at()[v.plane().horizontal()]));
      int cy = (int) Math.round(v.pixelY(o.at()[v.plane().vertical()]));
      g.drawLine(x + cx, y, x + cx, y + v.height() - 1);
      g.drawLine(x, y + cy, x + v.width() - 1, y + cy);
      labelTile(g, v, base, x, y, v.width(), v.height(), true, o.at());
      x += v.width() + GAP * 3;
    }
    drawBars(g, o.colourBars(), width, TITLE_HEIGHT + tileH + MARGIN);
    g.dispose();
    return img;
  }

  /** The pixels of one slice: the layers composited, no labels. */
  public static BufferedImage tile(List<Layer> layers, SliceView view) {
    requireSameGrid(layers);
    int w = view.width();
    int h = view.height();
    int[] argb = new int[w * h];
    java.util.Arrays.fill(argb, 0xFF000000);
    int[] ijk = new int[3];
    // voxel lookups once per pixel column/row (nearest neighbour)
    int[] hIndex = new int[w];
    int[] vIndex = new int[h];
    for (int x = 0; x < w; x++) {
      hIndex[x] = view.horizontalIndex(x);
    }
    for (int y = 0; y < h; y++) {
      vIndex[y] = view.verticalIndex(y);
    }
    Plane p = view.plane();
    for (Layer layer : layers) {
      if (layer instanceof Layer.Outline o) {
        boolean[] in = new boolean[w * h];
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            ijk[p.normal()] = view.index();
            ijk[p.horizontal()] = hIndex[x];
            ijk[p.vertical()] = vIndex[y];
            float v = o.volume().value(ijk[0], ijk[1], ijk[2]);
            in[y * w + x] = v != 0 && Float.isFinite(v);
          }
        }
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            if (in[y * w + x] && ((x > 0 && !in[y * w + x - 1]) || (x < w - 1 && !in[y * w + x + 1])
                || (y > 0 && !in[(y - 1) * w + x]) || (y < h - 1 && !in[(y + 1) * w + x]) || x == 0 || y == 0
                || x == w - 1 || y == h - 1)) {
              argb[y * w + x] = blend(argb[y * w + x], o.argb());
            }
          }
        }
        continue;
      }
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          ijk[p.normal()] = view.index();
          ijk[p.horizontal()] = hIndex[x];
          ijk[p.vertical()] = vIndex[y];
          int c = Layer.colour(layer, ijk[0], ijk[1], ijk[2]);
          if (c != ColourMap.TRANSPARENT) {
            argb[y * w + x] = blend(argb[y * w + x], c);
          }
        }
      }
    }
    BufferedImage img = Figures.newImage(w, h, BACKGROUND);
    int[] pixels = ((java.awt.image.DataBufferInt) img.getRaster().getDataBuffer()).getData();
    for (int q = 0; q < pixels.length; q++) {
      pixels[q] = argb[q] & 0xFFFFFF; // TYPE_INT_RGB: no alpha byte
    }
    return img;
  }

  /** {@code over} (ARGB) alpha-blended onto the opaque {@code under}. */
  static int blend(int under, int over) {
    int a = (over >>> 24) & 0xFF;
    if (a == 0xFF) {
      return over;
    }
    if (a == 0) {
      return under;
    }
    int r = (((over >> 16) & 0xFF) * a + ((under >> 16) & 0xFF) * (255 - a)) / 255;
    int gr = (((over >> 8) & 0xFF) * a + ((under >> 8) & 0xFF) * (255 - a)) / 255;
    int b = ((over & 0xFF) * a + (under & 0xFF) * (255 - a)) / 255;
    return 0xFF000000 | (r << 16) | (gr << 8) | b;
  }

  private static void labelTile(Graphics2D g, SliceView v, RasVolume base, int x, int y, int w, int h, boolean topBottom,
      int[] through) {
    g.setFont(Figures.bold(12f));
    int mid = y + h / 2 + 5;
    Figures.haloText(g, v.leftLabel(), x + 3, mid, 0, LABEL, LABEL_HALO);
    Figures.haloText(g, v.rightLabel(), x + w - 3, mid, 1, LABEL, LABEL_HALO);
    if (topBottom) {
      Figures.haloText(g, v.convention().topLabel(v.plane()), x + w / 2.0, y + 13, 0.5, LABEL, LABEL_HALO);
      Figures.haloText(g, v.convention().bottomLabel(v.plane()), x + w / 2.0, y + h - 4, 0.5, LABEL, LABEL_HALO);
    }
    g.setFont(Figures.font(10.5f));
    Figures.haloText(g, v.plane().coordinateName() + " = " + Figures.fixed(sliceCoordinate(base, v, through), 0) + " mm",
        x + 3, y + h - 4, 0, new Color(0xDD, 0xDD, 0xDD), LABEL_HALO);
  }

  /**
   * World coordinate (mm) of a slice along its normal axis, at the voxel {@code through} (in-plane
   * indices) or, when null, at the centre of the cropped slice (they differ for an oblique grid).
   */
  static double sliceCoordinate(RasVolume base, SliceView v, int[] through) {
    Box c = v.crop();
    double[] centre = through != null ? new double[] {through[0], through[1], through[2]}
        : new double[] {(c.i0() + c.i1() - 1) / 2.0, (c.j0() + c.j1() - 1) / 2.0, (c.k0() + c.k1() - 1) / 2.0};
    centre[v.plane().normal()] = v.index();
    return base.world(centre[0], centre[1], centre[2])[v.plane().normal()];
  }

  private static void drawTitle(Graphics2D g, String title, String subtitle, int width) {
    g.setColor(LABEL);
    g.setFont(Figures.bold(14f));
    Figures.text(g, title, MARGIN, 18, 0);
    g.setColor(new Color(0xBB, 0xBB, 0xBB));
    g.setFont(Figures.font(11f));
    Figures.text(g, subtitle, MARGIN, 33, 0);
  }

  private static void drawBars(Graphics2D g, List<ColourBarSpec> bars, int width, int y) {
    int barW = Math.min(360, width - 2 * MARGIN - 20);
    for (ColourBarSpec b : bars) {
      Figures.colourBar(g, (width - barW) / 2, y, barW, b.segments(), b.label(), LABEL);
      y += Figures.COLOUR_BAR_HEIGHT + 6;
    }
  }

  private static void requireSameGrid(List<Layer> layers) {
    RasVolume base = layers.get(0).volume();
    for (Layer l : layers) {
      if (!l.volume().sameGrid(base, 1e-3)) {
        throw new IllegalArgumentException("every layer of a picture must be on the same grid");
      }
    }
  }
}
