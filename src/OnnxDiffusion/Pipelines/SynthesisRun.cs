using OnnxDiffusion.Data;
using OnnxDiffusion.Schedules;
using OnnxDiffusion.Synthesis;

namespace OnnxDiffusion.Pipelines;

/// <summary>What a generate or reconstruct run produced.</summary>
/// <param name="Written">Images made by this run.</param>
/// <param name="Skipped">Images found complete from an earlier run.</param>
/// <param name="Seconds">Wall time of the synthesis.</param>
/// <param name="NetworkEvaluations">Images through the U-Net (guidance counts two).</param>
public sealed record SynthesisSummary(int Written, int Skipped, double Seconds, long NetworkEvaluations);

/// <summary>
/// Runs generation or reconstruction into a synthetic dataset folder: builds the recipe, opens (or resumes)
/// the writer, makes the images this shard owns that are not done yet, appends their manifest records after every batch.
/// </summary>
public static class SynthesisRun
{
    /// <summary>
    /// The recipe for a run over a pipeline. <paramref name="classNames"/> are the folders images are filed under: the
    /// model's classes, or the source data's when the model does not name them (unconditional models, unnamed classes).
    /// </summary>
    public static SyntheticRunConfig Recipe(DiffusionPipeline p, string kind, int perClass, int total, double strength,
        SourceSpec? source, ShardSpec shard, IReadOnlyList<string> classNames)
    {
        var run = p.Timesteps.Tail(strength).Timesteps;
        var m = p.Manifest;
        return new SyntheticRunConfig
        {
            Kind = kind,
            Model = p.Model.Name,
            ModelSha256 = p.ModelSha256,
            Source = source,
            PerClass = perClass,
            Total = total,
            Strength = strength,
            StartTimestep = run.Length > 0 ? run[0] : null,
            Steps = p.Timesteps.Count,
            Sampler = p.Sampler.Name,
            Eta = p.Settings.Eta,
            Guidance = p.Settings.Guidance!.Value,
            Seed = p.Settings.Seed,
            ImageSize = m.ImageSize,
            Channels = m.Channels,
            ClassNames = classNames,
            PixelRange = m.Pixels.IsDefault ? null : m.PixelRange,
            Prompt = p.PromptTemplate,
            LatentScalingFactor = m.Latent?.ScalingFactor,
            Shard = shard.IsAll ? null : shard.ToString(),
        };
    }

    /// <summary>
    /// Makes every item this shard owns that the folder does not already hold.
    /// <paramref name="progress"/> receives (done, total) for this process's share.
    /// </summary>
    public static SynthesisSummary Execute(DiffusionPipeline p, SyntheticRunConfig recipe, IReadOnlyList<SynthesisItem> items,
        LabeledImages? sources, string outDir, ShardSpec shard, Action<int, int>? progress = null, CancellationToken ct = default)
    {
        var writer = SyntheticDatasetWriter.Open(outDir, recipe);
        var (todo, skipped) = ToDo(items, shard, writer);
        progress?.Invoke(0, todo.Length);
        var template = new ManifestRecord
        {
            Strength = recipe.Strength, StartTimestep = recipe.StartTimestep, Seed = recipe.Seed, Sampler = recipe.Sampler,
            Steps = recipe.Steps, Guidance = recipe.Guidance, Eta = recipe.Eta, ModelSha256 = recipe.ModelSha256,
        };
        long evalsBefore = p.Denoiser.ImageEvaluations;
        var sw = System.Diagnostics.Stopwatch.StartNew();
        p.SynthesizerFor(recipe.ClassNames).Run(todo, p.Timesteps, recipe.Strength, sources, recipe.Seed, recipe.Eta,
            (item, image) => writer.Add(template with
            {
                Id = item.Id, Label = item.Label, SourceIndex = item.SourceIndex >= 0 ? item.SourceIndex : null,
            }, image),
            done =>
            {
                writer.Flush();
                progress?.Invoke(done, todo.Length);
            }, ct);
        writer.Flush();
        double seconds = sw.Elapsed.TotalSeconds;
        if (writer.Count == recipe.Total || shard.IsAll)
            writer.WriteGrid(Math.Min(10, recipe.PerClass));
        return new SynthesisSummary(todo.Length, skipped, seconds, p.Denoiser.ImageEvaluations - evalsBefore);
    }

    // The items left to make, in an array of exactly their size: growing lists would hold up to three times the plan while
    // they copy, and ResourceLimits.BytesPerPlannedImage is measured against this.
    private static (SynthesisItem[] ToDo, int Skipped) ToDo(IReadOnlyList<SynthesisItem> items, ShardSpec shard, SyntheticDatasetWriter writer)
    {
        int mine = 0, left = 0;
        foreach (var i in items)
            if (shard.Owns(i.Id))
            {
                mine++;
                if (!writer.IsComplete(i.Id))
                    left++;
            }
        var todo = new SynthesisItem[left];
        int k = 0;
        foreach (var i in items)
            if (shard.Owns(i.Id) && !writer.IsComplete(i.Id))
                todo[k++] = i;
        return (todo, mine - left);
    }
}
