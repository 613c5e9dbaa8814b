package org.voxelspark.group;

import java.io.Serializable;

/**
 * One subject's map entering the group stage.
 *
 * @param row the subject's row in the design matrix (0-based), and its row in every block matrix
 * @param subjectKey {@code sub-<label>[_ses-<label>]}
 * @param site the subject's site
 * @param map URI of the NIfTI map
 * @param volume the map's volume to use (0 for 3-D maps; e.g. 1 for λ2 of an eigenvalue map)
 * @param mask URI of the subject's brain mask (non-zero = data), or null when every finite, non-zero
 *     voxel of the map is data
 */
public record SubjectMap(int row, String subjectKey, String site, String map, int volume, String mask)
    implements Serializable {}
