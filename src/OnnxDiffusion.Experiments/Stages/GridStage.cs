using System.Diagnostics;
using OnnxDiffusion.Data;
using OnnxDiffusion.Imaging;
using OnnxDiffusion.Synthesis;

namespace OnnxDiffusion.Experiments.Stages;

/// <summary>What the grid shows: one replicate's real subset and its synthetic sets, columns in the given order.</summary>
/// <param name="Subset">The real subset (first column).</param>
/// <param name="Sets">The replicate's synthetic sets, one column each.</param>
/// <param name="Path">Where grid.png goes.</param>
public sealed record GridInput(RealSubset Subset, IReadOnlyList<SyntheticSetRef> Sets, string Path);

/// <summary>
/// Stage 5: one picture, a row per class: the class's first real image of the subset, its reconstruction at every strength
/// (found through each set's manifest by source index), and the generated set's first image of that class.
/// </summary>
public static class GridStage
{
    /// <summary>Stage name in timings.</summary>
    public const string Name = "grid";

    /// <summary>Writes the grid atomically and returns its path.</summary>
    public static string Run(GridInput input, StageContext context)
    {
        var sw = Stopwatch.StartNew();
        var real = input.Subset.Images;
        int channels = real.Channels, plane = real.Height * real.Width;
        var manifests = input.Sets.Select(s => ManifestReader.Read(System.IO.Path.Combine(s.Directory, SyntheticDatasetWriter.ManifestName))
            .OrderBy(r => r.Id).ToList()).ToList();
        var cells = new List<byte[]>();
        for (int c = 0; c < real.ClassNames.Count; c++)
        {
            int at = Array.IndexOf(real.Labels, c);
            if (at < 0)
                continue;
            int source = input.Subset.Indices[at];
            cells.Add(ImageGrid.Interleave(real.Image(at).ToArray(), channels, plane));
            for (int s = 0; s < input.Sets.Count; s++)
            {
                var record = input.Sets[s].Strength is null
                    ? manifests[s].FirstOrDefault(r => r.Label == c)
                    : manifests[s].FirstOrDefault(r => r.SourceIndex == source);
                if (record is null)
                    throw new DataFormatException($"{input.Sets[s].Directory}: no image of class {real.ClassNames[c]} for the grid");
                var (px, _, _) = ImageFolderDataset.Decode(System.IO.Path.Combine(input.Sets[s].Directory, record.File), channels);
                cells.Add(ImageGrid.Interleave(px, channels, plane));
            }
        }
        var (grid, w, h) = ImageGrid.Tile(cells, real.Width, real.Height, channels, input.Sets.Count + 1, scale: 2);
        AtomicFile.WriteAllBytes(input.Path, PngEncoder.Encode(grid, w, h, channels));
        context.Record(Name, sw.Elapsed.TotalSeconds, sw.Elapsed.TotalSeconds);
        return input.Path;
    }
}
