package org.voxelspark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.voxelspark.geometry.Affine;
import org.voxelspark.geometry.Box;
import org.voxelspark.geometry.VolumeGeometry;

/** Layers, outlines, thresholds, scales and the mosaic layout of brain pictures. */
class BrainPicturesTest {
  static final VolumeGeometry GRID = new VolumeGeometry(10, 10, 4, Affine.scaling(2, 2, 2, 0, 0, 0));

  static float[] square(int lo, int hi, float value) {
    float[] v = new float[GRID.voxelCount()];
    for (int k = 0; k < 4; k++) {
      for (int j = lo; j < hi; j++) {
        for (int i = lo; i < hi; i++) {
          v[GRID.index(i, j, k)] = value;
        }
      }
    }
    return v;
  }

  @Test
  void anOutlineIsTheOnePixelBoundaryOfTheMask() {
    RasVolume mask = RasVolume.of(GRID, square(3, 7, 1));
    SliceView view = SliceView.of(mask, Plane.AXIAL, 1, mask.extent(), Convention.NEUROLOGICAL, 1.5); // 3 px per voxel
    BufferedImage tile = BrainPictures.tile(List.of(new Layer.Outline(mask, 0xFFFF0000)), view);
    assertEquals(30, tile.getWidth());
    int red = 0;
    for (int y = 0; y < 30; y++) {
      for (int x = 0; x < 30; x++) {
        red += (tile.getRGB(x, y) & 0xFFFFFF) == 0xFF0000 ? 1 : 0;
      }
    }
    assertEquals(4 * 12 - 4, red, "the perimeter of a 12 × 12 pixel square");
  }

  @Test
  void thresholdedOverlayShowsOnlyWhatPasses() {
    float[] t = new float[GRID.voxelCount()];
    t[GRID.index(1, 1, 0)] = 5f;
    t[GRID.index(2, 1, 0)] = 2f;
    t[GRID.index(3, 1, 0)] = -5f;
    t[GRID.index(4, 1, 0)] = 9f;
    RasVolume stat = RasVolume.of(GRID, t);
    Layer.Thresholded two = new Layer.Thresholded(stat, 3, 9, true);
    assertEquals(ColourMap.RED_YELLOW.argb(5, 3, 9), Layer.colour(two, 1, 1, 0));
    assertEquals(ColourMap.TRANSPARENT, Layer.colour(two, 2, 1, 0), "below the threshold");
    assertEquals(ColourMap.BLUE_CYAN.argb(5, 3, 9), Layer.colour(two, 3, 1, 0));
    assertEquals(0xFFFFFF00, Layer.colour(two, 4, 1, 0), "the maximum is yellow");
    Layer.Thresholded one = new Layer.Thresholded(stat, 3, 9, false);
    assertEquals(ColourMap.TRANSPARENT, Layer.colour(one, 3, 1, 0), "one-sided: negative values hidden");
    assertThrows(IllegalArgumentException.class, () -> new Layer.Thresholded(stat, 3, 3, true));
  }

  @Test
  void blendingAndHiddenZeros() {
    assertEquals(0xFF808080 & 0xFFFFFF, BrainPictures.blend(0xFF000000, 0x80FFFFFF) & 0xFFFFFF, 0x010101);
    assertEquals(0xFF123456, BrainPictures.blend(0xFF000000, 0xFF123456));
    RasVolume v = RasVolume.of(GRID, square(3, 7, 0.5f));
    Layer.Scalar hide = new Layer.Scalar(v, ColourMap.VIRIDIS, 0, 1, true);
    assertEquals(ColourMap.TRANSPARENT, Layer.colour(hide, 0, 0, 0));
    assertEquals(ColourMap.VIRIDIS.argb(0.5), Layer.colour(hide, 4, 4, 0));
    assertEquals(ColourMap.VIRIDIS.argb(0.0), Layer.colour(new Layer.Scalar(v, ColourMap.VIRIDIS, 0, 1, false), 0, 0, 0));
  }

  @Test
  void layersMustShareAGrid() {
    RasVolume a = RasVolume.of(GRID, square(3, 7, 1));
    RasVolume b = RasVolume.of(new VolumeGeometry(10, 10, 4, Affine.scaling(2, 2, 2, 5, 0, 0)), square(3, 7, 1));
    SliceView view = SliceView.of(a, Plane.AXIAL, 1, a.extent(), Convention.NEUROLOGICAL, 1);
    assertThrows(IllegalArgumentException.class, () -> BrainPictures.tile(List.of(new Layer.Scalar(a, ColourMap.GREY, 0, 1,
        false), new Layer.Outline(b, 0xFFFF0000)), view));
  }

  @Test
  void scaleMakesWholePixelsPerVoxelAndAnisotropyIsKept() {
    VolumeGeometry aniso = new VolumeGeometry(40, 40, 10, Affine.scaling(1, 1, 4, 0, 0, 0));
    RasVolume v = RasVolume.of(aniso, new float[aniso.voxelCount()]);
    double ppmm = SliceView.pixelsPerMm(v, Plane.CORONAL, v.extent(), 160);
    SliceView c = SliceView.of(v, Plane.CORONAL, 20, v.extent(), Convention.NEUROLOGICAL, ppmm);
    assertEquals(4.0, ppmm, 1e-12, "160 px over 40 mm");
    assertEquals(160, c.width());
    assertEquals(160, c.height(), "10 slices of 4 mm are as tall as 40 voxels of 1 mm are wide");
    assertEquals(39, c.horizontalIndex(159));
    assertEquals(0, c.verticalIndex(159), "inferior at the bottom");
    SliceView r = SliceView.of(v, Plane.CORONAL, 20, v.extent(), Convention.RADIOLOGICAL, ppmm);
    assertEquals(39, r.horizontalIndex(0), "radiological: right (high x) on the left");
  }

  @Test
  void mosaicLayoutAndLabelsFit() {
    RasVolume v = RasVolume.of(GRID, square(3, 7, 1));
    Box crop = new Box(0, 10, 0, 10, 0, 4);
    BufferedImage img = BrainPictures.axialMosaic(new BrainPictures.Mosaic("t", List.of(new Layer.Scalar(v, ColourMap.GREY, 0, 1,
        false)), crop, 12, 6, 60, Convention.NEUROLOGICAL, List.of(BrainPictures.ColourBarSpec.of(ColourMap.GREY, 0, 1, "u"))));
    assertTrue(img.getWidth() >= 4 * 60, "4 slices (the z range holds 4) in one row");
    assertEquals(4, BrainPictures.mosaicSlices(crop, 12).length);
  }
}
