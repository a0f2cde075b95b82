using System.Reflection;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace OnnxDiffusion.Kernels.Tests;

/// <summary>
/// Compiles a kernel to PTX with ILGPU's PTX back end, which needs no driver: what a CUDA accelerator would hand the driver.
/// The instruction set is the one a CUDA 11.8 driver gets, because the offline assembler available to CI (ptxas 11.8)
/// accepts PTX ISA up to 7.8; the code ILGPU emits is otherwise the same for newer drivers.
/// </summary>
internal static class PtxCompilation
{
    public static readonly CudaDriverVersion AssemblerDriver = CudaDriverVersion.FromMajorMinor(11, 8);

    public static readonly (string Name, CudaArchitecture Architecture)[] Architectures =
        [("sm_80", CudaArchitecture.SM_80), ("sm_90", CudaArchitecture.SM_90)];

    /// <summary>The folder the PTX is also written to, for CI's ptxas step.</summary>
    public static string OutputFolder => Path.Combine(AppContext.BaseDirectory, "ptx");

    public static string Compile(MethodInfo kernel, CudaArchitecture architecture)
    {
        // The product's context options (algorithms on), so the PTX is what the product would load.
        using var context = Context.Create(b => b.Cuda().EnableAlgorithms());
        var instructionSet = CudaAccelerator.GetInstructionSet(architecture, AssemblerDriver);
        using var backend = new PTXBackend(context, new CudaCapabilityContext(architecture), architecture, instructionSet, null);
        var entry = EntryPointDescription.FromImplicitlyGroupedKernel(kernel);
        var compiled = (PTXCompiledKernel)backend.Compile(entry, KernelSpecialization.Empty);
        return compiled.PTXAssembly;
    }

    /// <summary>A file name for one kernel at one architecture, e.g. StepKernel.sm_80.ptx.</summary>
    public static string FileName(MethodInfo kernel, string architecture) => $"{kernel.DeclaringType!.Name}.{architecture}.ptx";
}
