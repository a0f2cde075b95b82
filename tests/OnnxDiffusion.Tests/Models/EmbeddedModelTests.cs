using OnnxDiffusion.Sampling;
using System.Text.Json;
using OnnxDiffusion.Kernels;
using OnnxDiffusion.Models;
using OnnxDiffusion.Schedules;
using OnnxDiffusion.Tests.Sampling;

namespace OnnxDiffusion.Tests.Models;

/// <summary>The embedded default model through ONNX Runtime against PyTorch's own output for the same input.</summary>
[Collection("cpu-kernels")]
public class EmbeddedModelTests
{
    private static readonly string Dir = RepoPaths.Combine("models", "fashion-mnist-ddpm");

    private sealed record ReferenceIo(
        [property: System.Text.Json.Serialization.JsonPropertyName("sample")] float[] Sample,
        [property: System.Text.Json.Serialization.JsonPropertyName("timestep")] long[] Timestep,
        [property: System.Text.Json.Serialization.JsonPropertyName("class_labels")] long[] ClassLabels,
        [property: System.Text.Json.Serialization.JsonPropertyName("out_sample")] float[] OutSample);

    [Fact]
    public void OnnxOutputEqualsPyTorchWithin1e4()
    {
        var io = JsonSerializer.Deserialize<ReferenceIo>(File.ReadAllText(Path.Combine(Dir, "reference_io.json")))!;
        using var d = new OnnxDenoiser(Dir, new DenoiserOptions { Device = DeviceKind.Cpu }, CpuKernels.Get());
        var output = new float[io.OutSample.Length];
        d.Predict(io.Sample, io.Timestep, Conditioning.Classes(io.ClassLabels, d.Manifest.NullClass), output);
        double maxAbs = output.Zip(io.OutSample, (a, b) => Math.Abs((double)a - b)).Max();
        Assert.True(maxAbs < 1e-4, $"max |onnx − torch| = {maxAbs:E3}");
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.0)]
    public void SplittingRowsAcrossSessionsAndRunsDoesNotChangeThePrediction(double guidance)
    {
        var io = JsonSerializer.Deserialize<ReferenceIo>(File.ReadAllText(Path.Combine(Dir, "reference_io.json")))!;
        float[] PredictWith(int sessions, int microBatch)
        {
            using var d = new OnnxDenoiser(Dir, new DenoiserOptions
            {
                Device = DeviceKind.Cpu, GuidanceScale = guidance, IntraOpThreads = 3, Sessions = sessions, MicroBatch = microBatch,
            }, CpuKernels.Get());
            Assert.Equal(sessions, d.SessionCount);
            var output = new float[io.OutSample.Length];
            d.Predict(io.Sample, io.Timestep, Conditioning.Classes(io.ClassLabels, d.Manifest.NullClass), output);
            return output;
        }
        var one = PredictWith(1, 64);
        foreach (var (sessions, microBatch) in new[] { (3, 64), (1, 1), (2, 3) })
        {
            var split = PredictWith(sessions, microBatch);
            double maxAbs = one.Zip(split, (a, b) => Math.Abs((double)a - b)).Max();
            Assert.True(maxAbs <= 1e-5, $"max |1 session − {sessions} sessions of ≤ {microBatch} rows| = {maxAbs:E3}");
        }
    }

    [Fact]
    public void ManifestAndSchedulerConfigAgree()
    {
        var m = ModelManifest.Load(Path.Combine(Dir, "model.json"));
        var cfg = SchedulerConfig.Load(Path.Combine(Dir, "scheduler_config.json"));
        Assert.Equal(SchedulerConfig.NameOf(cfg.PredictionType), m.PredictionType);
        Assert.Equal((1, 28, 10, 10), (m.Channels, m.ImageSize, m.NumClasses, m.NullClass));
        Assert.Equal(File.ReadAllLines(RepoPaths.Combine("data", "fashion-mnist", "classes.txt")), m.ClassNames);
    }
}
