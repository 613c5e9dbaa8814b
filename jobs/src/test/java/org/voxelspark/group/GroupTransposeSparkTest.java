package org.voxelspark.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelspark.error.UserInputException;
import org.voxelspark.geometry.Affine;
import org.voxelspark.geometry.VolumeGeometry;
import org.voxelspark.io.HadoopFiles;
import org.voxelspark.io.SerializableConfiguration;
import org.voxelspark.nifti.NiftiDatatype;
import org.voxelspark.nifti.NiftiHeader;
import org.voxelspark.spark.SparkTestSession;

/**
 * The group transpose on Spark equals the one-process transpose of the whole volume, value for
 * value, including subjects stored with another axis orientation (resampled onto the reference
 * grid exactly), partial coverage (NaN rows, own N) and a given group mask.
 */
class GroupTransposeSparkTest {
  @TempDir static Path tmp;
  static final int NX = 9;
  static final int NY = 8;
  static final int NZ = 7;
  static final VolumeGeometry LAS = new VolumeGeometry(NX, NY, NZ, Affine.of(new double[][] {
      {-2, 0, 0, 8}, {0, 2, 0, -7}, {0, 0, 2, -6}, {0, 0, 0, 1}}));
  static final VolumeGeometry RAS = new VolumeGeometry(NX, NY, NZ, Affine.of(new double[][] {
      {2, 0, 0, -8}, {0, 2, 0, -7}, {0, 0, 2, -6}, {0, 0, 0, 1}}));
  static final List<SubjectMap> SUBJECTS = new ArrayList<>();
  /** Per subject, the values written (on its own grid) and its mask. */
  static final List<float[]> VALUES = new ArrayList<>();
  static final List<float[]> MASKS = new ArrayList<>();

  @BeforeAll
  static void writeMaps() {
    Random random = new Random(3);
    Configuration conf = new Configuration();
    for (int s = 0; s < 6; s++) {
      VolumeGeometry g = s % 3 == 2 ? RAS : LAS;
      float[] eigen = new float[3 * g.voxelCount()];
      float[] mask = new float[g.voxelCount()];
      for (int v = 0; v < g.voxelCount(); v++) {
        int i = v % NX;
        int j = (v / NX) % NY;
        int k = v / (NX * NY);
        // world x of this voxel decides the "brain": the same anatomy whatever the storage
        double x = g.affine().voxelToWorld(i, j, k)[0];
        boolean brain = Math.abs(x) < 7 && j > 0 && k < NZ - 1 && random.nextInt(20) != 0;
        mask[v] = brain ? 1 : 0;
        for (int c = 0; c < 3; c++) {
          eigen[c * g.voxelCount() + v] = brain ? random.nextFloat() : 0;
        }
      }
      String map = tmp.resolve("sub-" + s + "_evals.nii.gz").toString();
      String maskFile = tmp.resolve("sub-" + s + "_mask.nii.gz").toString();
      HadoopFiles.writeNifti(map, conf, NiftiHeader.builder(g, 3).build(), eigen);
      HadoopFiles.writeNifti(maskFile, conf, NiftiHeader.builder(g, 1).datatype(NiftiDatatype.UINT8).build(), mask);
      SUBJECTS.add(new SubjectMap(s, "sub-" + s, s < 3 ? "A" : "B", map, 1, maskFile));
      VALUES.add(java.util.Arrays.copyOfRange(eigen, g.voxelCount(), 2 * g.voxelCount()));
      MASKS.add(mask);
    }
  }

  static List<GroupBlock> spark(boolean[] mask, int blockSize, int minCoverage) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
    SerializableConfiguration conf = new SerializableConfiguration(jsc.hadoopConfiguration());
    List<GroupBlock> blocks = new ArrayList<>(GroupTranspose.blocks(jsc, SUBJECTS, LAS, mask, blockSize, minCoverage, 3, conf)
        .collect());
    blocks.sort(Comparator.comparingInt(GroupBlock::blockId));
    return blocks;
  }

  static void assertSame(List<GroupBlock> expected, List<GroupBlock> actual) {
    assertEquals(expected.size(), actual.size(), "blocks");
    for (int b = 0; b < expected.size(); b++) {
      GroupBlock e = expected.get(b);
      GroupBlock a = actual.get(b);
      assertEquals(e.blockId(), a.blockId());
      assertArrayEquals(e.voxels(), a.voxels(), "block " + e.blockId());
      assertArrayEquals(e.coverage(), a.coverage());
      assertArrayEquals(e.y(), a.y(), 0.0, "block " + e.blockId() + " values (NaN where equal NaN)");
    }
  }

  @Test
  void sparkEqualsTheWholeVolumeAndEverySubjectsValuesLandOnTheRightVoxel() {
    Configuration conf = new Configuration();
    for (int blockSize : new int[] {4, 16}) {
      List<GroupBlock> whole = GroupTranspose.wholeVolume(SUBJECTS, LAS, null, blockSize, SUBJECTS.size(), conf);
      List<GroupBlock> blocks = spark(null, blockSize, SUBJECTS.size());
      assertSame(whole, blocks);
      int voxels = 0;
      for (GroupBlock g : blocks) {
        voxels += g.voxelCount();
        for (int q = 0; q < g.voxelCount(); q++) {
          int v = g.voxels()[q];
          int i = v % NX;
          int rest = v / NX;
          assertEquals(SUBJECTS.size(), g.coverage()[q], "intersection: every subject has data");
          for (int s = 0; s < SUBJECTS.size(); s++) {
            // RAS subjects hold the voxel at the mirrored i
            int own = s % 3 == 2 ? (NX - 1 - i) + NX * rest : v;
            assertEquals(1f, MASKS.get(s)[own]);
            assertEquals(VALUES.get(s)[own], g.y()[s * g.voxelCount() + q], 0.0, "subject " + s + " voxel " + v);
          }
        }
      }
      assertTrue(voxels > 50, "a non-trivial intersection: " + voxels);
    }
  }

  @Test
  void partialCoverageKeepsNaNRowsAndAGivenMaskRestrictsTheVoxels() {
    Configuration conf = new Configuration();
    List<GroupBlock> partial = spark(null, 5, 3);
    assertSame(GroupTranspose.wholeVolume(SUBJECTS, LAS, null, 5, 3, conf), partial);
    boolean sawNaN = false;
    for (GroupBlock g : partial) {
      for (int q = 0; q < g.voxelCount(); q++) {
        int finite = 0;
        for (int s = 0; s < g.subjects(); s++) {
          finite += Double.isNaN(g.y()[s * g.voxelCount() + q]) ? 0 : 1;
        }
        assertEquals(g.coverage()[q], finite);
        assertTrue(finite >= 3);
        sawNaN |= finite < g.subjects();
      }
    }
    assertTrue(sawNaN, "some voxels lack some subjects");
    boolean[] mask = new boolean[LAS.voxelCount()];
    for (int v = 0; v < mask.length; v += 2) {
      mask[v] = true;
    }
    List<GroupBlock> masked = spark(mask, 5, 3);
    assertSame(GroupTranspose.wholeVolume(SUBJECTS, LAS, mask, 5, 3, conf), masked);
    for (GroupBlock g : masked) {
      for (int v : g.voxels()) {
        assertEquals(0, v % 2, "only voxels of the given mask");
      }
    }
  }

  @Test
  void aMissingVolumeOrAMaskOnAnotherGridIsAUserError() {
    Configuration conf = new Configuration();
    SubjectMap noVolume = new SubjectMap(0, "sub-0", "A", SUBJECTS.get(0).map(), 3, SUBJECTS.get(0).mask());
    UserInputException e = assertThrows(UserInputException.class, () -> GroupTranspose.prepare(noVolume, LAS, conf));
    assertTrue(e.getMessage().contains("volume 4 is needed"), e.getMessage());
    SubjectMap wrongMask = new SubjectMap(0, "sub-0", "A", SUBJECTS.get(0).map(), 0, SUBJECTS.get(2).mask());
    e = assertThrows(UserInputException.class, () -> GroupTranspose.prepare(wrongMask, LAS, conf));
    assertTrue(e.getMessage().contains("differs from its map's"), e.getMessage());
  }
}
