package org.voxelspark.qc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BrainMaskTest {
  @Test
  void otsuSeparatesTwoClasses() {
    SplittableRandom rnd = new SplittableRandom(2);
    float[] img = new float[2000];
    for (int v = 0; v < img.length; v++) {
      img[v] = (float) (v < 1200 ? 20 + 5 * rnd.nextGaussian() : 800 + 50 * rnd.nextGaussian());
    }
    double t = BrainMask.otsuThreshold(img);
    // the first maximal split lies just above the background (DIPY's rule: the centre of that bin)
    assertTrue(t > 25 && t < 650, "threshold between the classes' bulk: " + t);
    boolean[] m = BrainMask.fromReference(img, null);
    int wrong = 0;
    for (int v = 0; v < m.length; v++) {
      wrong += m[v] != (v >= 1200) ? 1 : 0;
    }
    assertTrue(wrong <= 2, wrong + " voxels misclassified (background tail above the threshold)");
  }

  @Test
  void constantSeriesAndFlatImagesAreOut() {
    float[] img = {10, 10, 500, 500};
    float[] sd = {1, 1, 0, 3};
    boolean[] m = BrainMask.fromReference(img, sd);
    assertEquals(false, m[2], "constant series");
    assertEquals(true, m[3]);
    assertTrue(Double.isNaN(BrainMask.otsuThreshold(new float[] {4, 4, 4})));
    assertEquals(false, BrainMask.fromReference(new float[] {4, 4}, null)[0]);
  }
}
