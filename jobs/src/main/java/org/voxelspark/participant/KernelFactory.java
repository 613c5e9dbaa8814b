package org.voxelspark.participant;

import java.io.Serializable;
import org.apache.hadoop.conf.Configuration;
import org.voxelspark.kernel.BlockKernel;
import org.voxelspark.nifti.NiftiHeader;

/**
 * Chooses (and validates the inputs of) the kernel of a run, on the executor that reads it.
 * Validation failures are {@link org.voxelspark.error.UserInputException}s naming the file.
 */
@FunctionalInterface
public interface KernelFactory extends Serializable {
  BlockKernel create(RunTask task, NiftiHeader header, Configuration conf);
}
