package org.voxelspark.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelspark.error.UserInputException;
import org.voxelspark.geometry.Affine;
import org.voxelspark.geometry.VolumeGeometry;
import org.voxelspark.io.HadoopFiles;
import org.voxelspark.nifti.NiftiDatatype;
import org.voxelspark.nifti.NiftiHeader;

/**
 * A subject's inputs to the group stage that cannot be used are user errors naming the file and
 * the field, found while the subject's map is prepared (docs/reliability.md): a brain mask with
 * several volumes where one 3-D volume is expected, and a mask on another grid than its map.
 */
class GroupInputValidationTest {
  @TempDir Path tmp;
  private final Configuration conf = new Configuration();
  private static final VolumeGeometry GRID = new VolumeGeometry(5, 4, 3, Affine.scaling(2, 2, 2, -4, -3, -2));

  private String write(String name, VolumeGeometry g, int volumes, NiftiDatatype type) {
    String uri = tmp.resolve(name).toString();
    float[] data = new float[g.voxelCount() * volumes];
    java.util.Arrays.fill(data, 1);
    HadoopFiles.writeNifti(uri, conf, NiftiHeader.builder(g, volumes).datatype(type).build(), data);
    return uri;
  }

  @Test
  void aFourDimensionalMaskIsAUserError() {
    String map = write("fa.nii.gz", GRID, 1, NiftiDatatype.FLOAT32);
    String mask4d = write("mask4d.nii.gz", GRID, 2, NiftiDatatype.UINT8);
    UserInputException e = assertThrows(UserInputException.class,
        () -> GroupTranspose.prepare(new SubjectMap(0, "sub-01", "A", map, 0, mask4d), GRID, conf));
    assertEquals(mask4d, e.problems().get(0).source());
    assertEquals("dim", e.problems().get(0).field());
    assertTrue(e.getMessage().contains("has 2 volumes; a brain mask is one 3-D volume"), e.getMessage());
    String mask3d = write("mask.nii.gz", GRID, 1, NiftiDatatype.UINT8);
    assertEquals(GRID.voxelCount(), GroupTranspose.prepare(new SubjectMap(0, "sub-01", "A", map, 0, mask3d), GRID, conf).length);
  }

  @Test
  void aMaskOnAnotherGridIsAUserError() {
    String map = write("md.nii.gz", GRID, 1, NiftiDatatype.FLOAT32);
    VolumeGeometry shifted = new VolumeGeometry(5, 4, 3, Affine.scaling(2, 2, 2, -4, -3, 0));
    String mask = write("shifted_mask.nii.gz", shifted, 1, NiftiDatatype.UINT8);
    UserInputException e = assertThrows(UserInputException.class,
        () -> GroupTranspose.prepare(new SubjectMap(0, "sub-01", "A", map, 0, mask), GRID, conf));
    assertEquals(mask, e.problems().get(0).source());
    assertTrue(e.getMessage().contains("differs from its map's"), e.getMessage());
  }
}
