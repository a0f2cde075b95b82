using OnnxDiffusion.Sampling;
using System.Text.Json.Nodes;
using OnnxDiffusion.Kernels;
using OnnxDiffusion.Models;
using OnnxDiffusion.Tests.Sampling;

namespace OnnxDiffusion.Tests.Models;

/// <summary>
/// The denoiser contract on the tiny fixture model, whose output is known exactly:
/// out = 0.5·x + 0.001·t + table[label], table[k] = 0.1·k, table[null = 10] = −1.
/// </summary>
[Collection("cpu-kernels")]
public class OnnxDenoiserTests
{
    private const int S = 16;

    private static double Expected(float x, long t, long label) => 0.5 * x + 0.001 * t + (label == 10 ? -1.0 : 0.1 * label);

    /// <summary>The denoiser's output at guidance w: u + w (c − u) over the null class, or the conditional value for w ≤ 1.</summary>
    private static double Expected(float x, long t, long label, double w)
    {
        double c = Expected(x, t, label);
        double u = Expected(x, t, 10);
        return w > 1 ? u + w * (c - u) : c;
    }

    private static OnnxDenoiser Open(double guidance = 1.0, string? dir = null, int sessions = 0, int microBatch = 0) =>
        new(dir ?? RepoPaths.Fixture("tiny-denoiser"),
            new DenoiserOptions { Device = DeviceKind.Cpu, GuidanceScale = guidance, Sessions = sessions, MicroBatch = microBatch },
            CpuKernels.Get());

    /// <summary>A copy of the fixture whose model.json was changed by <paramref name="edit"/>.</summary>
    private static string FixtureWith(Action<JsonNode> edit)
    {
        string dir = RepoPaths.CopyFixture("tiny-denoiser");
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "model.json")))!;
        edit(json);
        File.WriteAllText(Path.Combine(dir, "model.json"), json.ToJsonString());
        return dir;
    }

    private static (float[] X, long[] T, long[] Y) Batch(int b)
    {
        var x = Enumerable.Range(0, b * S).Select(i => (float)Math.Sin(i)).ToArray();
        var t = Enumerable.Range(0, b).Select(i => (long)(100 * i + 7)).ToArray();
        var y = Enumerable.Range(0, b).Select(i => (long)(i % 10)).ToArray();
        return (x, t, y);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    public void PredictsTheKnownFunctionAtBatch(int b)
    {
        using var d = Open();
        var (x, t, y) = Batch(b);
        var o = new float[b * S];
        d.Predict(x, t, Conditioning.Classes(y, d.Manifest.NullClass), o);
        for (int i = 0; i < o.Length; i++)
            Assert.Equal(Expected(x[i], t[i / S], y[i / S]), o[i], 5);
        Assert.Equal("CPU", d.Provider);
    }

    [Fact]
    public void BatchSizesCanAlternate()
    {
        using var d = Open();
        foreach (int b in new[] { 7, 1, 7, 3 })
        {
            var (x, t, y) = Batch(b);
            var o = new float[b * S];
            d.Predict(x, t, Conditioning.Classes(y, d.Manifest.NullClass), o);
            Assert.Equal(Expected(x[^1], t[^1], y[^1]), o[^1], 5);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    public void GuidanceCombinesTheConditionalAndNullHalves(int b)
    {
        const double w = 3.0;
        using var d = Open(w);
        var (x, t, y) = Batch(b);
        var o = new float[b * S];
        d.Predict(x, t, Conditioning.Classes(y, d.Manifest.NullClass), o);
        for (int i = 0; i < o.Length; i++)
            Assert.Equal(Expected(x[i], t[i / S], y[i / S], w), o[i], 4);
        Assert.Equal(2L * b, d.ImageEvaluations);
    }

    [Theory]
    [InlineData(1, 0, 1.0)]
    [InlineData(3, 0, 1.0)]
    [InlineData(3, 0, 2.5)]
    [InlineData(4, 0, 2.5)]
    [InlineData(1, 2, 1.0)]
    [InlineData(2, 3, 2.5)]
    [InlineData(2, int.MaxValue, 2.5)]
    public void RowsSplitAcrossSessionsAndRunsLandInPlace(int sessions, int microBatch, double w)
    {
        using var d = Open(w, sessions: sessions, microBatch: microBatch);
        Assert.Equal(sessions, d.SessionCount);
        Assert.Equal(microBatch > 0 ? microBatch : OnnxDenoiser.DefaultCpuMicroBatch, d.MicroBatch);
        // Fewer rows than sessions, an uneven split, and back: every row must come back from its own range.
        foreach (int b in new[] { 1, 2, 5, 7, 2 })
        {
            var (x, t, y) = Batch(b);
            var o = new float[b * S];
            d.Predict(x, t, Conditioning.Classes(y, d.Manifest.NullClass), o);
            for (int i = 0; i < o.Length; i++)
                Assert.Equal(Expected(x[i], t[i / S], y[i / S], w), o[i], 4);
        }
    }

    [Fact]
    public void NegativeMicroBatchIsRejected()
    {
        var ex = Assert.Throws<OnnxDiffusionException>(() => Open(microBatch: -3));
        Assert.StartsWith("--micro-batch -3", ex.Message);
    }

    [Theory]
    [InlineData(-1, 0, "--threads -1")]
    [InlineData(0, -2, "--sessions -2")]
    public void NegativeThreadOrSessionCountIsRejected(int threads, int sessions, string named)
    {
        var ex = Assert.Throws<OnnxDiffusionException>(() =>
            OnnxDenoiser.CpuLayout(new DenoiserOptions { IntraOpThreads = threads, Sessions = sessions }));
        Assert.StartsWith(named, ex.Message);
    }

    [Theory]
    [InlineData(4, 0, 4, 1)]
    [InlineData(4, 2, 2, 2)]
    [InlineData(3, 2, 2, 1)]
    [InlineData(2, 5, 5, 1)]
    public void CpuLayoutSplitsTheThreads(int threads, int sessions, int expectSessions, int expectEach)
    {
        var (n, each) = OnnxDenoiser.CpuLayout(new DenoiserOptions { IntraOpThreads = threads, Sessions = sessions });
        Assert.Equal((expectSessions, expectEach), (n, each));
    }

    [Fact]
    public void ClassLabelOutOfRangeIsRejected()
    {
        using var d = Open();
        var (x, t, _) = Batch(2);
        var ex = Assert.Throws<OnnxDiffusionException>(() => d.Predict(x, t, Conditioning.Classes(new long[] { 3, 11 }, d.Manifest.NullClass), new float[2 * S]));
        Assert.Contains("class label 11", ex.Message);
    }

    [Fact]
    public void ManifestNamingAMissingInputIsRejected()
    {
        string dir = FixtureWith(json => json["inputs"]!["timestep"] = "t");
        var ex = Assert.Throws<OnnxDiffusionException>(() => Open(dir: dir));
        Assert.Contains("input 't'", ex.Message);
        Assert.Contains("timestep", ex.Message);
    }

    [Fact]
    public void ManifestNamingAMissingOutputIsRejected()
    {
        string dir = FixtureWith(json => json["output"] = "noise_pred");
        var ex = Assert.Throws<OnnxDiffusionException>(() => Open(dir: dir));
        Assert.Contains("output 'noise_pred'", ex.Message);
    }

    [Fact]
    public void ManifestWithTheWrongImageSizeIsRejected()
    {
        string dir = FixtureWith(json => json["image_size"] = 28);
        var ex = Assert.Throws<OnnxDiffusionException>(() => Open(dir: dir));
        Assert.Contains("[B,1,28,28]", ex.Message);
    }

    [Fact]
    public void NonOnnxFileIsRejectedNamingIt()
    {
        string dir = RepoPaths.CopyFixture("tiny-denoiser");
        File.WriteAllText(Path.Combine(dir, "unet.onnx"), "this is not a protobuf");
        var ex = Assert.Throws<OnnxDiffusionException>(() => Open(dir: dir));
        Assert.Contains("unet.onnx", ex.Message);
        Assert.Contains("not a loadable ONNX model", ex.Message);
    }

    [Fact]
    public void MissingManifestIsAConfigError()
    {
        string dir = Directory.CreateTempSubdirectory("nomodel").FullName;
        var ex = Assert.Throws<ConfigException>(() => Open(dir: dir));
        Assert.Contains("model.json", ex.Message);
    }

    [Fact]
    public void GuidanceOnAnUnconditionalManifestIsRejected()
    {
        string dir = FixtureWith(json => json["null_class"] = null);
        var ex = Assert.Throws<OnnxDiffusionException>(() => Open(2.0, dir));
        Assert.Contains("null_class", ex.Message);
    }
}
