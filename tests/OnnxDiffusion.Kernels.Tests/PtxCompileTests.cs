using System.Reflection;
using System.Text.RegularExpressions;
using ILGPU;

namespace OnnxDiffusion.Kernels.Tests;

/// <summary>
/// Every kernel the product launches compiles to PTX for the GPUs it targets (A100 sm_80, H100/H200 sm_90), with one
/// kernel entry point each. The PTX is left in bin/…/ptx for CI's ptxas step (.ci/ptxas-check.sh), which assembles it.
/// </summary>
public partial class PtxCompileTests
{
    public static TheoryData<string, string> KernelsAndArchitectures()
    {
        var data = new TheoryData<string, string>();
        foreach (var k in DiffusionKernels.KernelMethods)
            foreach (var (arch, _) in PtxCompilation.Architectures)
                data.Add(k.DeclaringType!.Name, arch);
        return data;
    }

    [Fact]
    public void TheListCoversEveryKernelTheProductLaunches()
    {
        int launchers = typeof(DiffusionKernels).GetFields(BindingFlags.Instance | BindingFlags.NonPublic)
            .Count(f => f.FieldType.IsGenericType && f.FieldType.Name.StartsWith("Action", StringComparison.Ordinal)
                && f.FieldType.GetGenericArguments()[0] == typeof(Index1D));
        Assert.Equal(launchers, DiffusionKernels.KernelMethods.Count);
        Assert.Equal(launchers, DiffusionKernels.KernelMethods.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(KernelsAndArchitectures))]
    public void CompilesToPtxWithItsEntryPoint(string kernel, string architecture)
    {
        var method = DiffusionKernels.KernelMethods.Single(m => m.DeclaringType!.Name == kernel);
        var arch = PtxCompilation.Architectures.Single(a => a.Name == architecture).Architecture;
        string ptx = PtxCompilation.Compile(method, arch);
        Assert.Matches(TargetLine(), ptx);
        // ILGPU 1.5.3 writes ".target sm_80" for an sm_90 back end too; the driver JIT-compiles PTX for any newer GPU, so
        // what matters is that the target is not above the GPU's. CI's ptxas step assembles each file for its own sm_XX.
        int target = int.Parse(TargetLine().Match(ptx).Groups[1].Value[3..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(target, 80, int.Parse(architecture[3..], System.Globalization.CultureInfo.InvariantCulture));
        var entries = EntryLine().Matches(ptx);
        Assert.True(entries.Count == 1, $"{kernel} {architecture}: {entries.Count} entry points");
        Assert.Contains(".version 7.8", ptx);
        Directory.CreateDirectory(PtxCompilation.OutputFolder);
        File.WriteAllText(Path.Combine(PtxCompilation.OutputFolder, PtxCompilation.FileName(method, architecture)), ptx);
    }

    [Fact]
    public void TheNoiseKernelUsesTheApproximateLogThatTheClampGuardsAgainst()
    {
        // If ILGPU ever emits an exact log the clamp is merely harmless; this records that today it does not.
        string ptx = PtxCompilation.Compile(DiffusionKernels.KernelMethods.Single(m => m.DeclaringType == typeof(NormalNoiseKernel)),
            PtxCompilation.Architectures[0].Architecture);
        Assert.Contains("lg2.approx", ptx);
    }

    [GeneratedRegex(@"^\.target\s+(sm_\d+)", RegexOptions.Multiline)]
    private static partial Regex TargetLine();

    [GeneratedRegex(@"^\.visible \.entry\s+\S+\(", RegexOptions.Multiline)]
    private static partial Regex EntryLine();
}
