using System.Diagnostics;
using OnnxDiffusion.Data;
using OnnxDiffusion.Models;
using OnnxDiffusion.Pipelines;
using OnnxDiffusion.Synthesis;

namespace OnnxDiffusion.Experiments.Stages;

/// <summary>What the real-data stage reads.</summary>
/// <param name="DataDirectory">IDX folder or ImageFolder with train/ and test/.</param>
/// <param name="Model">The model the data is for (channels, size, classes).</param>
/// <param name="ModelName">How messages name the model.</param>
/// <param name="Resize">Resize images of another size to the model's.</param>
/// <param name="PerClass">Real training images per class in every replicate's subset.</param>
/// <param name="Replicates">The replicates (each draws its own subset).</param>
/// <param name="Seed">Plan seed (the balanced test limit is drawn from it).</param>
/// <param name="TestLimit">Real test images used (class-balanced), or null for all.</param>
public sealed record RealDataInput(string DataDirectory, ModelManifest Model, string ModelName, bool Resize, int PerClass,
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
        var train = ModelDataset.Load(input.Model, input.DataDirectory, "train", input.Resize, input.ModelName);
        var test = ModelDataset.Load(input.Model, input.DataDirectory, "test", input.Resize, input.ModelName);
        if (!train.ClassNames.SequenceEqual(test.ClassNames))
            throw new DataFormatException(
                $"{input.DataDirectory}: the train split has classes {string.Join(", ", train.ClassNames)} but the test split {string.Join(", ", test.ClassNames)}");
        if (input.TestLimit is int limit && limit < test.Count)
            test = Pick(test, ClassBalancedSubset.Select(test, Math.Max(1, limit / test.ClassNames.Count), input.Seed + 1), "test");
        string dataset = Path.GetFileName(Path.GetFullPath(input.DataDirectory).TrimEnd('/'));
        var subsets = input.Replicates.Select(rep =>
        {
            var indices = ClassBalancedSubset.Select(train, input.PerClass, rep.SubsetSeed);
            // Resized sources are other pixels under the same indices; default runs keep the key they always had.
            string id = train.Resized is null
                ? StageCache.Hash(new { data = dataset, train.Count, subset = indices })
                : StageCache.Hash(new { data = dataset, train.Count, subset = indices, resized = train.Resized });
            return new RealSubset(rep, indices, Pick(train, indices, $"real r{rep.Index}"), id);
        }).ToList();
        string testId = StageCache.Hash(new { test.Count, test.Labels, px = StageCache.Hash(test.Pixels) });
        var source = new SourceSpec { Dataset = dataset, Split = "train", SplitSize = train.Count, Resize = train.Resized };
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
