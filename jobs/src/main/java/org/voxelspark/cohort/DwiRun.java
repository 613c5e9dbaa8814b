package org.voxelspark.cohort;

import java.io.Serializable;

/**
 * One diffusion run of a subject: the 4D image and its FSL gradient files.
 *
 * @param name the run's file stem without {@code _dwi} (e.g. {@code sub-01_ses-1_acq-b1000}), the
 *     prefix of its derivative files
 * @param nifti the {@code *_dwi.nii[.gz]} URI
 * @param bval the {@code .bval} URI
 * @param bvec the {@code .bvec} URI
 * @param json the JSON sidecar URI, or null
 */
public record DwiRun(String name, String nifti, String bval, String bvec, String json) implements Serializable {}
