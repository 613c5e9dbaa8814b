package org.voxelspark.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.voxelspark.geometry.Affine;
import org.voxelspark.geometry.Box;
import org.voxelspark.geometry.VolumeGeometry;

/**
 * Left is left: a head phantom defined in world space (RAS+ mm) with a bright marker in the left
 * hemisphere, anterior and superior, is stored on grids of many orientations (RAS, LPS, LAS, a
 * permuted PIL, an oblique one) and must be drawn with the marker on the side its labels say, in
 * both conventions, in axial, coronal and sagittal slices.
 */
class OrientationTest {
  /** Marker centre, world mm: left (x < 0), anterior (y > 0), superior (z > 0). */
  static final double[] MARKER = {-35, 20, 15};

  static float phantom(double[] w) {
    double dx = w[0] - MARKER[0];
    double dy = w[1] - MARKER[1];
    double dz = w[2] - MARKER[2];
    if (dx * dx + dy * dy + dz * dz <= 10 * 10) {
      return 10f;
    }
    double e = (w[0] / 70) * (w[0] / 70) + (w[1] / 85) * (w[1] / 85) + (w[2] / 60) * (w[2] / 60);
    return e <= 1 ? 1f : 0f;
  }

  /** Grids covering the phantom with 4 mm voxels, by orientation. */
  static Map<String, VolumeGeometry> grids() {
    Map<String, VolumeGeometry> g = new LinkedHashMap<>();
    g.put("RAS", new VolumeGeometry(40, 48, 34, Affine.scaling(4, 4, 4, -78, -94, -66)));
    g.put("LPS", new VolumeGeometry(40, 48, 34, Affine.scaling(-4, -4, 4, 78, 94, -66)));
    g.put("LAS", new VolumeGeometry(40, 48, 34, Affine.scaling(-4, 4, 4, 78, -94, -66)));
    // stored i → posterior, j → inferior, k → left (a sagittal acquisition): PIL
    g.put("PIL", new VolumeGeometry(48, 34, 40, Affine.of(new double[][] {{0, 0, -4, 78}, {-4, 0, 0, 94}, {0, -4, 0, 66}})));
    // LAS rotated 25 degrees about z and 10 degrees about x
    double a = Math.toRadians(25);
    double b = Math.toRadians(10);
    double[][] rz = {{Math.cos(a), -Math.sin(a), 0}, {Math.sin(a), Math.cos(a), 0}, {0, 0, 1}};
    double[][] rx = {{1, 0, 0}, {0, Math.cos(b), -Math.sin(b)}, {0, Math.sin(b), Math.cos(b)}};
    double[][] lin = new double[3][3];
    double[] s = {-4, 4, 4};
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 3; c++) {
        double v = 0;
        for (int q = 0; q < 3; q++) {
          v += rz[r][q] * rx[q][c];
        }
        lin[r][c] = v * s[c];
      }
    }
    double[] centre = {19.5, 23.5, 16.5};
    double[][] m = new double[3][4];
    for (int r = 0; r < 3; r++) {
      double t = 0;
      for (int c = 0; c < 3; c++) {
        m[r][c] = lin[r][c];
        t -= lin[r][c] * centre[c];
      }
      m[r][3] = t;
    }
    g.put("oblique LAS", new VolumeGeometry(40, 48, 34, Affine.of(m)));
    return g;
  }

  static float[] sample(VolumeGeometry g) {
    float[] v = new float[g.voxelCount()];
    for (int k = 0; k < g.nz(); k++) {
      for (int j = 0; j < g.ny(); j++) {
        for (int i = 0; i < g.nx(); i++) {
          v[g.index(i, j, k)] = phantom(g.affine().voxelToWorld(i, j, k));
        }
      }
    }
    return v;
  }

  /** Mean pixel (x, y) of the marker in a slice through it, as fractions of the tile size. */
  static double[] markerCentre(RasVolume vol, Plane plane, Convention convention, SliceView[] viewOut) {
    double[] vox = vol.affine().worldToVoxel(MARKER[0], MARKER[1], MARKER[2]);
    int index = (int) Math.round(vox[plane.normal()]);
    SliceView view = SliceView.of(vol, plane, index, vol.extent(), convention,
        SliceView.pixelsPerMm(vol, plane, vol.extent(), 160));
    viewOut[0] = view;
    BufferedImage tile = BrainPictures.tile(List.of(new Layer.Scalar(vol, ColourMap.GREY, 0, 10, false)), view);
    double sx = 0;
    double sy = 0;
    int n = 0;
    for (int y = 0; y < tile.getHeight(); y++) {
      for (int x = 0; x < tile.getWidth(); x++) {
        if ((tile.getRGB(x, y) & 0xFF) == 0xFF) {
          sx += x;
          sy += y;
          n++;
        }
      }
    }
    assertTrue(n > 20, plane + ": marker drawn (" + n + " pixels)");
    return new double[] {sx / n / tile.getWidth(), sy / n / tile.getHeight()};
  }

  @Test
  void theMarkerIsOnTheSideItsLabelsSayForEveryStoredOrientation() {
    for (Map.Entry<String, VolumeGeometry> e : grids().entrySet()) {
      RasVolume vol = RasVolume.of(e.getValue(), sample(e.getValue()));
      String at = e.getKey() + " (stored " + vol.storedOrientation() + ")";
      SliceView[] view = new SliceView[1];
      for (Convention c : Convention.values()) {
        double[] axial = markerCentre(vol, Plane.AXIAL, c, view);
        boolean leftOnLeft = c == Convention.NEUROLOGICAL;
        assertEquals(leftOnLeft ? "L" : "R", view[0].leftLabel(), at);
        assertTrue(leftOnLeft ? axial[0] < 0.4 : axial[0] > 0.6, at + " " + c + " axial: marker (left) at x = " + axial[0]);
        assertTrue(axial[1] < 0.45, at + " axial: marker (anterior) in the top half, y = " + axial[1]);
        double[] coronal = markerCentre(vol, Plane.CORONAL, c, view);
        assertTrue(leftOnLeft ? coronal[0] < 0.4 : coronal[0] > 0.6, at + " " + c + " coronal x = " + coronal[0]);
        assertTrue(coronal[1] < 0.45, at + " coronal: marker (superior) in the top half, y = " + coronal[1]);
        double[] sagittal = markerCentre(vol, Plane.SAGITTAL, c, view);
        assertEquals("P", view[0].leftLabel());
        assertEquals("A", view[0].rightLabel());
        assertTrue(sagittal[0] > 0.55, at + " sagittal: marker (anterior) on the right, x = " + sagittal[0]);
        assertTrue(sagittal[1] < 0.45, at + " sagittal: marker (superior) at the top, y = " + sagittal[1]);
      }
    }
  }

  @Test
  void reorientationKeepsWorldCoordinatesAndNamesTheStoredAxes() {
    Map<String, String> codes = Map.of("RAS", "RAS", "LPS", "LPS", "LAS", "LAS", "PIL", "PIL", "oblique LAS", "LAS");
    for (Map.Entry<String, VolumeGeometry> e : grids().entrySet()) {
      VolumeGeometry g = e.getValue();
      float[] values = new float[g.voxelCount()];
      for (int q = 0; q < values.length; q++) {
        values[q] = q;
      }
      RasVolume vol = RasVolume.of(g, values);
      assertEquals(codes.get(e.getKey()), vol.storedOrientation(), e.getKey());
      for (int k = 0; k < vol.nz(); k += 5) {
        for (int j = 0; j < vol.ny(); j += 7) {
          for (int i = 0; i < vol.nx(); i += 3) {
            int stored = (int) vol.value(i, j, k);
            int si = stored % g.nx();
            int sj = (stored / g.nx()) % g.ny();
            int sk = stored / (g.nx() * g.ny());
            assertArrayEquals(g.affine().voxelToWorld(si, sj, sk), vol.world(i, j, k), 1e-9, e.getKey());
          }
        }
      }
      double[][] u = vol.affine().unitColumns();
      for (int r = 0; r < 3; r++) {
        assertTrue(u[r][r] > 0.7, e.getKey() + ": RAS axis " + r + " points to R, A or S");
      }
    }
  }

  @Test
  void contentBoxAndSliceChoice() {
    VolumeGeometry g = grids().get("RAS");
    RasVolume vol = RasVolume.of(g, sample(g));
    Box b = vol.contentBox(null, 0);
    // voxel centres x = -78 + 4i, y = -94 + 4j, z = -66 + 4k; the nearest centres to y = 0 and z = 0
    // are 2 mm away, so the ellipsoid (70, 85, 60 mm semi-axes) holds i = 3..36, j = 3..44, k = 2..31
    assertEquals(new Box(3, 37, 3, 45, 2, 32), b);
    int[] ks = BrainPictures.mosaicSlices(b, 5);
    assertArrayEquals(new int[] {7, 12, 17, 22, 27}, ks);
  }
}
