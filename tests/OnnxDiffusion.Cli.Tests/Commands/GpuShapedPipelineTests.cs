using OnnxDiffusion.Cli.Commands;
using OnnxDiffusion.Kernels;
using OnnxDiffusion.Pipelines;

namespace OnnxDiffusion.Cli.Tests.Commands;

/// <summary>
/// generate and reconstruct through the GPU-shaped CPU accelerator, where the host cannot address kernel buffers, so
/// the loop's and the denoiser's copy-in / copy-out branches (the ones a GPU takes) run: the files equal the normal CPU
/// run's byte for byte.
/// </summary>
[Collection("console")]
public class GpuShapedPipelineTests
{
    private static void SameFiles(string expected, string actual)
    {
        var files = Directory.GetFiles(expected, "*", SearchOption.AllDirectories);
        Assert.Contains(files, f => f.EndsWith(".png", StringComparison.Ordinal));
        foreach (var f in files)
        {
            var other = Path.Combine(actual, Path.GetRelativePath(expected, f));
            Assert.True(File.ReadAllBytes(f).AsSpan().SequenceEqual(File.ReadAllBytes(other)), $"{Path.GetRelativePath(expected, f)} differs");
        }
        Assert.Equal(files.Length, Directory.GetFiles(actual, "*", SearchOption.AllDirectories).Length);
    }

    [Fact]
    public void ThePipelineRunsOnTheGpuShapedAcceleratorInsideTheScope()
    {
        using (KernelAccelerator.GpuShapedScope())
        {
            using var pipeline = DiffusionPipeline.Open(TestData.Settings());
            Assert.Contains("shaped like an NVIDIA GPU", pipeline.Describe());
        }
        using var normal = DiffusionPipeline.Open(TestData.Settings());
        Assert.DoesNotContain("shaped like", normal.Describe());
    }

    [Theory]
    [InlineData("ddpm")]
    [InlineData("dpm++2m")]
    [InlineData("unipc")]
    [InlineData("ddim")]
    public void GenerateIsByteIdentical(string sampler)
    {
        var settings = TestData.Settings(steps: 5, batch: 7) with { Sampler = sampler, Eta = sampler == "ddim" ? 0.5 : 0 };
        string cpu = TestData.NewDir("cpu"), shaped = TestData.NewDir("shaped");
        Assert.Equal(0, GenerateCommand.Execute(settings, 2, cpu));
        using (KernelAccelerator.GpuShapedScope())
            Assert.Equal(0, GenerateCommand.Execute(settings, 2, shaped));
        SameFiles(cpu, shaped);
    }

    [Fact]
    public void ReconstructIsByteIdentical()
    {
        string data = TestData.TinyImageFolder();
        string cpu = TestData.NewDir("cpu"), shaped = TestData.NewDir("shaped");
        ReconstructCommand.Execute(TestData.Settings(batch: 3), data, "train", 3, 0.6, cpu);
        using (KernelAccelerator.GpuShapedScope())
            ReconstructCommand.Execute(TestData.Settings(batch: 3), data, "train", 3, 0.6, shaped);
        SameFiles(cpu, shaped);
    }
}
