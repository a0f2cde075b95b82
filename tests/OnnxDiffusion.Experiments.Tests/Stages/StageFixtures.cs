using OnnxDiffusion.Data;
using OnnxDiffusion.Experiments.Running;
using OnnxDiffusion.Experiments.Stages;
using OnnxDiffusion.Kernels;
using OnnxDiffusion.Metrics;
using OnnxDiffusion.Pipelines;

namespace OnnxDiffusion.Experiments.Tests.Stages;

/// <summary>Small real inputs for the stage tests: the committed tiny denoiser and generated 4×4 train/test splits.</summary>
internal static class StageFixtures
{
    public static string Root { get; } = FindRoot();

    public static string TinyModel => Path.Combine(Root, "tests", "fixtures", "tiny-denoiser");

    public static readonly string[] Classes = Enumerable.Range(0, 10).Select(c => $"c{c}").ToArray();

    /// <summary>A 1×4×4 model description with the classes c0 … c9, for stages that load data for a model.</summary>
    public static readonly Models.ModelManifest Model = new()
    {
        ImageSize = 4, Channels = 1, NumClasses = 10, ClassNames = Classes, NullClass = 10,
    };

    public static string NewDir(string name) => Path.Combine(Directory.CreateTempSubdirectory(name).FullName, "out");

    public static StageContext Context(string outDir) => new(new StageCache(Path.Combine(outDir, "cache")));

    /// <summary>ImageFolder train/ (8 per class) and test/ (4 per class) of 4×4 grey images; class c has a bright pixel at c.</summary>
    public static string TinySplits(int train = 8, int test = 4)
    {
        string root = Directory.CreateTempSubdirectory("tinysplits").FullName;
        var rng = new Random(9);
        foreach (var (split, n) in new[] { ("train", train), ("test", test) })
        {
            var w = new ImageFolderWriter(Path.Combine(root, split), Classes, 1, 4);
            for (int c = 0; c < 10; c++)
                for (int i = 0; i < n; i++)
                    w.Write(c, c * 100 + i, Enumerable.Range(0, 16).Select(p => (float)(p == c ? 0.9 : rng.NextDouble() * 0.6 - 0.9)).ToArray());
        }
        return root;
    }

    public static DiffusionPipeline Pipeline(int steps = 4) => DiffusionPipeline.Open(new PipelineSettings
    {
        ModelDirectory = TinyModel, Device = DeviceKind.Cpu, Steps = steps, Guidance = 2, Seed = 3, BatchSize = 8,
    });

    public static RealData Real(string data, int perClass, int replicates, ulong seed = 5) => RealDataStage.Run(
        new RealDataInput(data, Model, "tiny", false, perClass, Replicate.All(seed, replicates), seed, null), Context(NewDir("real")));

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "OnnxDiffusion.sln")))
                return d.FullName;
        throw new InvalidOperationException("repository root not found");
    }
}

/// <summary>The pixels themselves as features: a transparent feature space for metric tests (no model to trust).</summary>
internal sealed class PixelFeatures(int dimension) : IFeatureExtractor
{
    public int Calls { get; private set; }

    public int FeatureDim => dimension;

    public string Description => "pixels";

    public string Fingerprint => $"pixels-{dimension}";

    public (float[] Features, float[] Logits) Run(LabeledImages images)
    {
        Calls++;
        var f = new float[images.Count * dimension];
        for (int i = 0; i < images.Count; i++)
        {
            var px = images.Image(i);
            for (int j = 0; j < dimension; j++)
                f[i * dimension + j] = px[j] / 255f;
        }
        return (f, []);
    }

    public void Dispose()
    {
    }
}
