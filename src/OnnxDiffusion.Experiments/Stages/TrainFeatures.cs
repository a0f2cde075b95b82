using System.Runtime.InteropServices;
using OnnxDiffusion.Data;
using OnnxDiffusion.Experiments.Running;
using OnnxDiffusion.Metrics;

namespace OnnxDiffusion.Experiments.Stages;

/// <summary>
/// The training split's features for the copy check, kept in the run's cache folder as raw float32 rows under a key of
/// (feature model fingerprint, training split content): embedding 60,000 images costs more than the rest of the metrics
/// stage, and they are the same for every replicate and every rerun with the same feature model.
/// </summary>
internal static class TrainFeatures
{
    /// <summary>Content key of the training split.</summary>
    public static string Id(LabeledImages train) => StageCache.Hash(new { train.Count, train.Labels, px = StageCache.Hash(train.Pixels) });

    /// <summary>The cached features, or extracts and stores them (written to a temporary name and renamed).</summary>
    public static FeatureSet Load(string cacheRoot, IFeatureExtractor extractor, LabeledImages train, string trainId)
    {
        int d = extractor.FeatureDim;
        string dir = Path.Combine(cacheRoot, "train-features");
        string path = Path.Combine(dir, StageCache.Hash(new { features = extractor.Fingerprint, train = trainId, d }) + ".f32");
        long bytes = (long)train.Count * d * sizeof(float);
        if (File.Exists(path) && new FileInfo(path).Length == bytes)
        {
            var rows = new float[train.Count * d];
            using var stream = File.OpenRead(path);
            stream.ReadExactly(MemoryMarshal.AsBytes(rows.AsSpan()));
            return new FeatureSet(rows, d);
        }
        var (features, _) = extractor.Run(train);
        Directory.CreateDirectory(dir);
        string temp = path + ".tmp";
        using (var stream = File.Create(temp))
            stream.Write(MemoryMarshal.AsBytes(features.AsSpan()));
        File.Move(temp, path, overwrite: true);
        return new FeatureSet(features, d);
    }
}
