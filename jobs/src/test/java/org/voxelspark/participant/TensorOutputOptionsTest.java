package org.voxelspark.participant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.voxelspark.dti.TensorComponent;
import org.voxelspark.dti.TensorConventions;
import org.voxelspark.dti.TensorFitMethod;
import org.voxelspark.dti.TensorFitter;
import org.voxelspark.dti.TensorModel;

/**
 * The tensor options of the participant stage: {@code --dti-tensor-order} writes the tensor map's
 * volumes in FSL's order (the kernel's channels stay in {@link TensorComponent} order) and says so
 * in the sidecar; {@code --dti-conventions} selects the fit settings and their sidecar text.
 */
class TensorOutputOptionsTest {
  private static ParticipantKernels kernels(TensorFitMethod method, TensorConventions conventions, TensorComponent.Order order) {
    ParticipantKernels d = ParticipantKernels.defaults();
    return new ParticipantKernels(d.b0Threshold(), method, conventions, order, d.bold());
  }

  @Test
  void fslOrderPermutesTheTensorVolumes() {
    int channels = ParticipantKernels.DWI_TENSOR + TensorFitter.OUTPUTS;
    int voxels = 3;
    float[] values = new float[voxels * channels];
    for (int v = 0; v < voxels; v++) {
      for (TensorComponent c : TensorComponent.values()) { // component c of voxel v = 10·v + ordinal
        values[(ParticipantKernels.DWI_TENSOR + TensorFitter.TENSOR + c.ordinal()) * voxels + v] = 10 * v + c.ordinal();
      }
    }
    RunTask task = new RunTask("sub-01", "A", RunKind.DWI, "sub-01_dwi", "in.nii.gz", "b.bval", "b.bvec", null, "out");
    AssembledRun run = new AssembledRun(task, null, channels, values, List.of(), null, 1, 0);
    for (TensorComponent.Order order : TensorComponent.Order.values()) {
      List<DerivativeNames> maps = kernels(TensorFitMethod.WLS, TensorConventions.DIPY, order).maps(RunKind.DWI);
      DerivativeNames tensor = maps.stream().filter(m -> m.suffix().equals(DerivativeNames.TENSOR.suffix())).findFirst()
          .orElseThrow();
      assertTrue(tensor.description().contains(order.label()), "description names the order: " + tensor.description());
      float[] written = run.map(tensor);
      for (int q = 0; q < 6; q++) {
        for (int v = 0; v < voxels; v++) {
          assertEquals(10 * v + order.component(q).ordinal(), written[q * voxels + v], 0, order + " volume " + q);
        }
      }
    }
    assertEquals(List.of(TensorComponent.XX, TensorComponent.XY, TensorComponent.XZ, TensorComponent.YY, TensorComponent.YZ,
        TensorComponent.ZZ), TensorComponent.Order.FSL.components(), "FSL's order: upper triangle row by row");
    assertEquals(DerivativeNames.of(RunKind.DWI), ParticipantKernels.defaults().maps(RunKind.DWI), "default: NIfTI order");
  }

  @Test
  void sidecarStatesTheConventionsAndTheOrder() {
    Map<String, Object> dipy = kernels(TensorFitMethod.NLLS, TensorConventions.DIPY, TensorComponent.Order.FSL)
        .parameters(RunKind.DWI);
    assertEquals("NLLS", dipy.get("TensorFitMethod"));
    assertEquals(TensorModel.Settings.dipy(TensorFitMethod.NLLS).describeEigenvalueFloor(), dipy.get("EigenvalueClipping"));
    assertTrue(((String) dipy.get("EigenvalueClipping")).contains(">= 0"), "DIPY's NLLS bounds eigenvalues at 0");
    assertTrue(((String) dipy.get("TensorComponentOrder")).startsWith("XX, XY, XZ, YY, YZ, ZZ"));
    ParticipantKernels mrtrix = kernels(TensorFitMethod.IWLS, TensorConventions.MRTRIX, TensorComponent.Order.NIFTI);
    assertEquals(TensorModel.Settings.mrtrix(TensorFitMethod.IWLS), mrtrix.tensorSettings());
    Map<String, Object> p = mrtrix.parameters(RunKind.DWI);
    assertTrue(((String) p.get("SignalFloor")).contains("1e-6"), "MRtrix floor: " + p.get("SignalFloor"));
    assertTrue(((String) p.get("EigenvalueClipping")).contains("not bounded"), "MRtrix: " + p.get("EigenvalueClipping"));
    assertEquals("MRTRIX", p.get("TensorConventions"));
  }
}
