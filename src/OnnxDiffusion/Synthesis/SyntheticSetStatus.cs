using System.Collections;

namespace OnnxDiffusion.Synthesis;

/// <summary>
/// Whether a synthetic dataset folder holds everything its recipe promises — the one definition <c>metrics</c>,
/// <c>merge</c> and the experiment's cache all use: every manifest record belongs to the folder's shard, no id appears
/// twice, every record's PNG exists with the hash the record names, and the records cover every id the shard owns.
/// Read in one streaming pass; nothing per image is kept but one bit.
/// </summary>
/// <param name="Directory">The folder.</param>
/// <param name="Config">Its <c>dataset.json</c>.</param>
/// <param name="Shard">The ids it owns.</param>
/// <param name="Owned">How many images the shard owns.</param>
/// <param name="Have">Valid manifest records found (up to the first problem).</param>
/// <param name="Problem">What is wrong, as the end of a one-line message; null when the set is complete.</param>
/// <param name="InIdOrder">Whether the manifest's records are in ascending id order (as one writer leaves them).</param>
public sealed record SyntheticSetStatus(string Directory, SyntheticRunConfig Config, ShardSpec Shard, int Owned, int Have, string? Problem,
    bool InIdOrder)
{
    /// <summary>Whether the set is whole.</summary>
    public bool IsComplete => Problem is null;

    /// <summary>
    /// Checks <paramref name="directory"/>; null when it has no <c>dataset.json</c> (not a synthetic set, e.g. a plain
    /// image folder). A manifest that is missing counts as holding no records.
    /// </summary>
    /// <exception cref="OnnxDiffusionException">An unreadable <c>dataset.json</c> or manifest line (the message names the file).</exception>
    public static SyntheticSetStatus? Read(string directory)
    {
        string config = Path.Combine(directory, SyntheticDatasetWriter.ConfigName);
        if (!File.Exists(config))
            return null;
        var recipe = SyntheticRunConfig.Load(config);
        var shard = ShardSpec.Parse(recipe.Shard);
        int owned = shard.OwnedOf(recipe.Total);
        string manifest = Path.Combine(directory, SyntheticDatasetWriter.ManifestName);
        int have = 0;
        long last = -1;
        bool inOrder = true;
        string? problem = null;
        if (File.Exists(manifest))
        {
            var seen = new BitArray(Math.Max(0, recipe.Total));
            foreach (var r in ManifestReader.Read(manifest))
            {
                if (!shard.Owns(r.Id) || r.Id < 0 || r.Id >= seen.Length)
                    problem = $"id {r.Id} does not belong to {(shard.IsAll ? $"a set of {recipe.Total} images" : $"shard {shard}")}";
                else if (seen[(int)r.Id])
                    problem = $"id {r.Id} appears twice in its manifest";
                else if (!r.FileIsInside)
                    problem = $"id {r.Id}: file {r.FileText} is not inside the set's folder";
                else if (!File.Exists(Path.Combine(directory, r.File)) || Data.Sha256.OfFile(Path.Combine(directory, r.File)) != r.PngSha256)
                    problem = $"{r.File} is missing or does not match its manifest hash";
                if (problem is not null)
                    break;
                seen[(int)r.Id] = true;
                have++;
                inOrder &= r.Id > last;
                last = r.Id;
            }
        }
        if (problem is null && have != owned)
            problem = $"{have} of {owned} images made";
        return new SyntheticSetStatus(directory, recipe, shard, owned, have, problem, inOrder);
    }
}
