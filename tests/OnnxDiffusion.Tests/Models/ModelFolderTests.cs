using OnnxDiffusion.Kernels;
using OnnxDiffusion.Models;
using OnnxDiffusion.Sampling;
using OnnxDiffusion.Schedules;
using OnnxDiffusion.Tests.Sampling;

namespace OnnxDiffusion.Tests.Models;

/// <summary>
/// <see cref="ModelFolder"/> on every layout, against the fixtures of tests/fixtures/byom (made by its make_fixtures.py),
/// and the denoiser on the dtypes and shapes those folders declare.
/// </summary>
[Collection("cpu-kernels")]
public class ModelFolderTests
{
    private static string Byom(params string[] parts) => RepoPaths.Combine(["tests", "fixtures", "byom", .. parts]);

    [Fact]
    public void ADiffusersPipelineFolderLoadsWithoutModelJson()
    {
        var f = ModelFolder.Open(Byom("ddpm-rgb32"));
        Assert.Equal(ModelLayout.DiffusersPipeline, f.Layout);
        Assert.False(File.Exists(Byom("ddpm-rgb32", "model.json")));
        var m = f.Manifest;
        Assert.Equal((3, 32, 0), (m.Channels, m.ImageSize, m.NumClasses));
        Assert.False(m.IsConditional);
        Assert.Equal(ConditioningKind.None, m.Conditioning.Kind);
        Assert.Equal(("sample", "timestep", "out_sample"), (m.Inputs.Sample, m.Inputs.Timestep, m.Output));
        Assert.Equal(("float32", TensorShapes.Batch, "float32"), (m.TimestepDtype, m.TimestepShape, m.SampleDtype));
        Assert.Equal("epsilon", m.PredictionType);
        Assert.Equal(Byom("ddpm-rgb32", "unet", "model.onnx"), f.OnnxPath);
        Assert.Contains("unet/config.json", f.ManifestSource);
        // ddpm-cifar10-32's legacy keys: "timesteps", fixed_large, no clip_sample (→ true).
        Assert.Equal(("GaussianDDPMScheduler", 1000, VarianceType.FixedLarge, true),
            (f.Scheduler.ClassName, f.Scheduler.NumTrainTimesteps, f.Scheduler.VarianceType, f.Scheduler.ClipSample));
        Assert.Equal("ddpm-rgb32", f.Name);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ABareOnnxLoadsFromItsFolderOrItsFile(bool file)
    {
        var f = ModelFolder.Open(file ? Byom("cond-rgb16", "unet.onnx") : Byom("cond-rgb16"));
        Assert.Equal(ModelLayout.BareOnnx, f.Layout);
        var m = f.Manifest;
        Assert.Equal((3, 16, 3, 3L), (m.Channels, m.ImageSize, m.NumClasses, (long)m.NullClass!));
        Assert.Equal(["circle", "square", "stripes"], m.ClassNames);
        Assert.True(m.ClassNamesGiven);
        Assert.Equal(("int32", "float32", TensorShapes.Scalar), (m.ClassLabelsDtype, m.TimestepDtype, m.TimestepShape));
        Assert.Equal(1.5, m.DefaultGuidanceScale);
        Assert.Equal("PNDMScheduler", f.Scheduler.ClassName);
        Assert.Equal("cond-rgb16", f.Name);
    }

    [Fact]
    public void OurFolderIsReadFromItsModelJsonUnchanged()
    {
        string dir = RepoPaths.Combine("models", "fashion-mnist-ddpm");
        var f = ModelFolder.Open(dir);
        Assert.Equal(ModelLayout.OnnxDiffusion, f.Layout);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(ModelManifest.Load(Path.Combine(dir, "model.json"))), System.Text.Json.JsonSerializer.Serialize(f.Manifest));
        Assert.Equal(Path.Combine(dir, "unet.onnx"), f.OnnxPath);
        Assert.Equal(("int64", TensorShapes.Batch, "int64"), (f.Manifest.TimestepDtype, f.Manifest.TimestepShape, f.Manifest.ClassLabelsDtype));
    }

    [Fact]
    public void OfTwoOutputsTheOneNamedLikeAPredictionIsTaken()
    {
        var m = ModelFolder.Open(Byom("bad", "two-outputs")).Manifest;
        Assert.Equal("eps", m.Output);
        var ex = Assert.Throws<ConfigException>(() => ManifestInference.Infer(
            new GraphSignature([T("sample", "float32", -1, 3, 8, 8), T("timestep", "int64", -1)], [T("a", "float32", -1, 3, 8, 8), T("b", "float32", -1, 3, 8, 8)]),
            "m.onnx", "m.onnx", null, new ModelOverrides(), new SchedulerConfig()));
        Assert.Contains("which one is the prediction", ex.Message);
    }

    private static OnnxDenoiser Denoiser(string dir, double guidance = 1.0, int microBatch = 0) =>
        new(dir, new DenoiserOptions { Device = DeviceKind.Cpu, GuidanceScale = guidance, MicroBatch = microBatch }, CpuKernels.Get());

    [Theory]
    [InlineData(0)]
    [InlineData(1)] // one row per run: each run converts only its own rows, so a wrong range shows as a wrong row
    public void Float16InputsAndOutputAreConverted(int microBatch)
    {
        using var d = Denoiser(Byom("fp16"), microBatch: microBatch);
        Assert.Equal(("float16", "float16", "float16"), (d.Manifest.SampleDtype, d.Manifest.OutputDtype, d.Manifest.TimestepDtype));
        int s = d.SampleSize, b = 3;
        var x = Enumerable.Range(0, b * s).Select(i => (float)Math.Sin(0.37 * i)).ToArray();
        long[] t = [10, 500, 999];
        var o = new float[b * s];
        d.Predict(x, t, Conditioning.None, o);
        // half(0.5·half(x) + 0.001·half(t)): fp16 keeps ~3 decimal digits, so 2e-3 relative to values ≤ 1.5.
        for (int i = 0; i < o.Length; i++)
            Assert.Equal(0.5 * x[i] + 0.001 * t[i / s], o[i], 2e-3);
    }

    [Fact]
    public void AOneElementTimestepIsSharedByTheBatch()
    {
        using var d = Denoiser(Byom("int64-scalar"), microBatch: 2);
        Assert.Equal(("int64", TensorShapes.One), (d.Manifest.TimestepDtype, d.Manifest.TimestepShape));
        int s = d.SampleSize, b = 5;
        var x = Enumerable.Range(0, b * s).Select(i => (float)Math.Cos(0.11 * i)).ToArray();
        var o = new float[b * s];
        d.Predict(x, Enumerable.Repeat(321L, b).ToArray(), Conditioning.None, o);
        for (int i = 0; i < o.Length; i++)
            Assert.Equal(0.5 * x[i] + 0.321, o[i], 1e-6);
        var ex = Assert.Throws<OnnxDiffusionException>(() => d.Predict(x, new long[] { 1, 2, 3, 4, 5 }, Conditioning.None, o));
        Assert.Contains("shared by the batch", ex.Message);
    }

    [Fact]
    public void AScalarTimestepModelPredictsEachRowAsAlone()
    {
        // Rank-0 timestep and int32 labels: a batch of rows must equal each row run by itself, and guidance must be
        // u + w (c − u) over the null class, as computed from separate calls.
        using var plain = Denoiser(Byom("cond-rgb16"));
        using var guided = Denoiser(Byom("cond-rgb16"), guidance: 2.5);
        int s = plain.SampleSize, b = 4;
        var x = Enumerable.Range(0, b * s).Select(i => (float)Math.Sin(0.05 * i)).ToArray();
        var t = Enumerable.Repeat(700L, b).ToArray();
        long[] y = [0, 1, 2, 1];
        var all = new float[b * s];
        plain.Predict(x, t, Conditioning.Classes(y, 3), all);
        var both = new float[b * s];
        guided.Predict(x, t, Conditioning.Classes(y, 3), both);
        for (int r = 0; r < b; r++)
        {
            var row = x.AsMemory(r * s, s);
            var c = new float[s];
            var u = new float[s];
            plain.Predict(row, new long[] { 700 }, Conditioning.Classes(new long[] { y[r] }, 3), c);
            plain.Predict(row, new long[] { 700 }, Conditioning.Classes(new long[] { 3 }, 3), u);
            for (int e = 0; e < s; e++)
            {
                Assert.Equal(c[e], all[r * s + e], 1e-5);
                Assert.Equal(u[e] + 2.5 * (c[e] - u[e]), both[r * s + e], 1e-4);
            }
        }
    }

    // ManifestInference on signatures written by hand: the rules, without ONNX files.
    private static TensorSignature T(string name, string dtype, params int[] dims) => new(name, dtype, dims);

    private static ModelManifest Infer(ModelOverrides? o, UNetConfig? unet, params TensorSignature[] inputs) =>
        ManifestInference.Infer(new GraphSignature(inputs, [T("out", "float32", -1, 3, 8, 8)]), "m.onnx", "m.onnx", unet,
            o ?? new ModelOverrides(), new SchedulerConfig());

    [Fact]
    public void UnnamedInputsAreAssignedByShape()
    {
        var m = Infer(null, null, T("noisy", "float32", -1, 3, 8, 8), T("tt", "float32", -1));
        Assert.Equal(("noisy", "tt", "out"), (m.Inputs.Sample, m.Inputs.Timestep, m.Output));
    }

    [Fact]
    public void TwoInputsThatCouldBeTheTimestepAreAmbiguousUntilNamed()
    {
        var ex = Assert.Throws<ConfigException>(() => Infer(null, null, T("sample", "float32", -1, 3, 8, 8), T("a", "float32", -1), T("b", "float32", -1)));
        Assert.Contains("'a'", ex.Message);
        Assert.Contains("'b'", ex.Message);
        Assert.Contains("timestep", ex.Message);
        var m = Infer(new ModelOverrides { NumClasses = 3, Inputs = new Dictionary<string, string> { ["timestep"] = "b", ["class_labels"] = "a" } }, null,
            T("sample", "float32", -1, 3, 8, 8), T("a", "int64", -1), T("b", "float32", -1));
        Assert.Equal(("b", "a"), (m.Inputs.Timestep, m.Inputs.ClassLabels));
    }

    [Theory]
    [InlineData(11, 10, 10)]   // num_class_embeds 11 with the null class 10: 10 real classes
    [InlineData(10, null, 10)] // no null class: every row is a class
    public void TheClassCountComesFromNumClassEmbeds(int rows, int? nullClass, int classes)
    {
        var m = Infer(new ModelOverrides { NullClass = nullClass }, new UNetConfig(8, 3, 3, rows, "unet/config.json"),
            T("sample", "float32", -1, 3, 8, 8), T("timestep", "int64", -1), T("class_labels", "int64", -1));
        Assert.Equal((classes, (long?)nullClass, false), (m.NumClasses, m.NullClass, m.ClassNamesGiven));
        Assert.Null(m.ClassNamesForData);
    }

    [Fact]
    public void DynamicGeometryNeedsTheUNetConfig()
    {
        var ex = Assert.Throws<ConfigException>(() => Infer(null, null, T("sample", "float32", -1, -1, -1, -1), T("timestep", "int64", -1)));
        Assert.Contains("in_channels", ex.Message);
        var m = Infer(null, new UNetConfig(8, 3, 3, null, "unet/config.json"), T("sample", "float32", -1, -1, -1, -1), T("timestep", "int64", -1));
        Assert.Equal((3, 8), (m.Channels, m.ImageSize));
    }

    [Fact]
    public void ALearnedVarianceOutputIsRefused()
    {
        var ex = Assert.Throws<ConfigException>(() => ManifestInference.Infer(
            new GraphSignature([T("sample", "float32", -1, 3, 8, 8), T("timestep", "int64", -1)], [T("out", "float32", -1, 6, 8, 8)]),
            "m.onnx", "m.onnx", null, new ModelOverrides(), new SchedulerConfig()));
        Assert.Contains("learned-variance", ex.Message);
    }
}
