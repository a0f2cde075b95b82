using System.Diagnostics;
using OnnxDiffusion.Data;
using OnnxDiffusion.Experiments.Running;
using OnnxDiffusion.Synthesis;

namespace OnnxDiffusion.Experiments.Stages;

/// <summary>What the real-data stage reads.</summary>
/// <param name="DataDirectory">IDX folder or ImageFolder with train/ and test/.</param>
/// <param name="Channels">Channels the model takes.</param>
/// <param name="ClassNames">The model's classes, in label order.</param>
/// <param name="PerClass">Real training images per class in every replicate's subset.</param>
/// <param name="Replicates">The replicates (each draws its own subset).</param>
/// <param name="Seed">Plan seed (the balanced test limit is drawn from it).</param>
/// <param name="TestLimit">Real test images used (class-balanced), or null for all.</param>
public sealed record RealDataInput(string DataDirectory, int Channels, IReadOnlyList<string> ClassNames, int PerClass,
    IReadOnlyList<Replicate> Replicates, ulong Seed, int? TestLimit);

/// <summary>One replicate's real training subset.</summary>
/// <param name="Replicate">Its replicate.</param>
/// <param name="Indices">Indices into the training split, class by class.</param>
/// <param name="Images">The subset's images.</param>
/// <param name="Id">Content key: the dataset and the indices.</param>
public sealed record RealSubset(Replicate Replicate, int[] Indices, LabeledImages Images, string Id);

/// <summary>What the real-data stage produces.</summary>
/// <param name="Train">The whole training split (reconstruction sources).</param>
/// <param name="Test">The real test set every classifier is scored on and every metric compares with.</param>
/// <param name="TestId">Content key of the test set.</param>
/// <param name="Source">How synthetic sets name their sources.</param>
/// <param name="Subsets">One subset per replicate, in replicate order.</param>
public sealed record RealData(LabeledImages Train, LabeledImages Test, string TestId, SourceSpec Source, IReadOnlyList<RealSubset> Subsets);

/// <summary>Stage 1: loads the real splits and draws every replicate's class-balanced training subset.</summary>
public static class RealDataStage
{
    /// <summary>Stage name in timings and progress.</summary>
    public const string Name = "real data";

    /// <summary>Runs the stage.</summary>
    /// <exception cref="OnnxDiffusionException">Unreadable data, or a class smaller than the subset needs.</exception>
    public static RealData Run(RealDataInput input, StageContext context)
    {
        var sw = Stopwatch.StartNew();
        var train = DatasetLoader.Load(input.DataDirectory, "train", input.Channels, input.ClassNames);
        var test = DatasetLoader.Load(input.DataDirectory, "test", input.Channels, input.ClassNames);
        if (input.TestLimit is int limit && limit < test.Count)
            test = Pick(test, ClassBalancedSubset.Select(test, Math.Max(1, limit / input.ClassNames.Count), input.Seed + 1), "test");
        string dataset = Path.GetFileName(Path.GetFullPath(input.DataDirectory).TrimEnd('/'));
        var subsets = input.Replicates.Select(rep =>
        {
            var indices = ClassBalancedSubset.Select(train, input.PerClass, rep.SubsetSeed);
            string id = StageCache.Hash(new { data = dataset, train.Count, subset = indices });
            return new RealSubset(rep, indices, Pick(train, indices, $"real r{rep.Index}"), id);
        }).ToList();
        string testId = StageCache.Hash(new { test.Count, test.Labels, px = StageCache.Hash(test.Pixels) });
        var source = new SourceSpec { Dataset = dataset, Split = "train", SplitSize = train.Count };
        context.Record(Name, sw.Elapsed.TotalSeconds, sw.Elapsed.TotalSeconds);
        return new RealData(train, test, testId, source, subsets);
    }

    /// <summary>The images at <paramref name="indices"/> as a new set named after <paramref name="name"/>.</summary>
    public static LabeledImages Pick(LabeledImages all, int[] indices, string name)
    {
        var px = new byte[indices.Length * all.ImageSize];
        for (int i = 0; i < indices.Length; i++)
            all.Image(indices[i]).CopyTo(px.AsSpan(i * all.ImageSize));
        return new LabeledImages(px, indices.Select(i => all.Labels[i]).ToArray(), all.Channels, all.Height, all.Width, all.ClassNames,
            $"{all.Source} ({name})");
    }
}
