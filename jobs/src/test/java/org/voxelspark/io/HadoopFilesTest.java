package org.voxelspark.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelspark.error.UserInputException;
import org.voxelspark.geometry.VoxelLayout;
import org.voxelspark.nifti.NiftiHeader;
import org.voxelspark.nifti.NiftiReader;
import org.voxelspark.nifti.SeekableSource;

class HadoopFilesTest {
  @TempDir Path dir;
  private final Configuration conf = new Configuration();

  @Test
  void atomicWriteLeavesNothingPartialOnFailure() throws IOException {
    String target = dir.resolve("sub/out.txt").toUri().toString();
    HadoopFiles.writeText(target, conf, "first");
    assertThrows(UncheckedIOException.class, () -> HadoopFiles.writeAtomically(target, conf, out -> {
      out.write("half of the sec".getBytes());
      throw new IOException("disk full");
    }));
    assertEquals("first", Files.readString(dir.resolve("sub/out.txt")), "the previous complete file is intact");
    try (Stream<Path> s = Files.list(dir.resolve("sub"))) {
      assertEquals(1, s.count(), "the temporary file was removed");
    }
    HadoopFiles.writeText(target, conf, "second");
    assertEquals("second", HadoopFiles.readText(target, conf));
  }

  @Test
  void niftiThroughTheFileSystemApiIncludingSlabs() {
    NiftiHeader h = NiftiHeader.builder(4, 3, 5, 2).build();
    float[] data = new float[4 * 3 * 5 * 2];
    for (int q = 0; q < data.length; q++) {
      data[q] = q;
    }
    String gz = dir.resolve("a.nii.gz").toUri().toString();
    String nii = dir.resolve("a.nii").toString();
    HadoopFiles.writeNifti(gz, conf, h, data);
    HadoopFiles.writeNifti(nii, conf, h, data);
    assertArrayEquals(data, HadoopFiles.readNifti(gz, conf, VoxelLayout.VOLUME_MAJOR).data());
    assertEquals(2, HadoopFiles.readNiftiHeader(nii, conf).nt());
    try (SeekableSource src = HadoopFiles.seekable(nii, conf)) {
      float[] slab = NiftiReader.readSlab(src, HadoopFiles.readNiftiHeader(nii, conf), 2, 4, VoxelLayout.VOLUME_MAJOR);
      assertEquals(4 * 3 * 2 * 2, slab.length);
      assertEquals(data[2 * 12], slab[0]);
      assertEquals(data[60 + 2 * 12], slab[24], "second volume's slab");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    UserInputException e = assertThrows(UserInputException.class,
        () -> HadoopFiles.readNifti(dir.resolve("absent.nii").toString(), conf, VoxelLayout.VOLUME_MAJOR));
    assertTrue(e.getMessage().contains("does not exist"));
  }

  @Test
  void unwritableOrFileOutputDirectoryIsAUserError() throws IOException {
    Path file = dir.resolve("afile");
    Files.writeString(file, "x");
    UserInputException e = assertThrows(UserInputException.class, () -> HadoopFiles.requireWritableDirectory(file.toString(), conf));
    assertTrue(e.getMessage().contains("is an existing file"), e.getMessage());
    Path ro = dir.resolve("readonly");
    Files.createDirectories(ro);
    assertTrue(ro.toFile().setWritable(false, false));
    try {
      if (Files.isWritable(ro)) {
        return; // running as root: permissions are not enforced, nothing to test here
      }
      assertThrows(UserInputException.class, () -> HadoopFiles.requireWritableDirectory(ro.resolve("out").toString(), conf));
    } finally {
      ro.toFile().setWritable(true, false);
    }
    HadoopFiles.requireWritableDirectory(dir.resolve("new/deep").toString(), conf);
    assertTrue(Files.isDirectory(dir.resolve("new/deep")));
    try (Stream<Path> s = Files.list(dir.resolve("new/deep"))) {
      assertFalse(s.findAny().isPresent(), "the write probe was removed");
    }
  }

  @Test
  void writeErrorsTheUserCanFixNameThePath() throws IOException {
    // a genuine ENOSPC from the operating system: /dev/full refuses every write
    IOException full = null;
    if (Files.exists(Path.of("/dev/full"))) {
      try (java.io.FileOutputStream out = new java.io.FileOutputStream("/dev/full")) {
        out.write(new byte[4096]);
        out.flush();
      } catch (IOException e) {
        full = e;
      }
    }
    if (full == null) {
      full = new IOException("No space left on device");
    }
    RuntimeException e = HadoopFiles.writeError("file:/out/sub-01/dwi/x.nii.gz", new IOException("write failed", full));
    assertTrue(e instanceof UserInputException, e.toString());
    assertEquals("file:/out/sub-01/dwi/x.nii.gz: cannot write: no space left on the device", e.getMessage());
    RuntimeException denied = HadoopFiles.writeError("hdfs://nn/out/x",
        new org.apache.hadoop.security.AccessControlException("Permission denied: user=alice, access=WRITE"));
    assertTrue(denied.getMessage().startsWith("hdfs://nn/out/x: cannot write: permission denied (Permission denied: user=alice"),
        denied.getMessage());
    RuntimeException quota = HadoopFiles.writeError("hdfs://nn/out/x",
        new org.apache.hadoop.hdfs.protocol.DSQuotaExceededException("The DiskSpace quota of /out is exceeded"));
    assertTrue(quota instanceof UserInputException && quota.getMessage().contains("quota or capacity is exhausted"), quota.toString());
    RuntimeException other = HadoopFiles.writeError("file:/out/x", new IOException("connection reset"));
    assertTrue(other instanceof UncheckedIOException, "not the user's to fix: " + other);
  }
}
