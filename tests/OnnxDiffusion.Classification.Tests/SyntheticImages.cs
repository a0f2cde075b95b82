using OnnxDiffusion.Data;
using OnnxDiffusion.Imaging;

namespace OnnxDiffusion.Classification.Tests;

/// <summary>Small, clearly separable labelled sets generated in the tests, and their ImageFolder copies.</summary>
internal static class SyntheticImages
{
    public static string[] ClassNames(int count) => Enumerable.Range(0, count).Select(c => $"c{c}").ToArray();

    /// <summary>
    /// Each class lights a fixed pattern of 12 pixels (drawn once from a class-specific seed) on a dark background;
    /// every image adds its own uniform noise of ±<paramref name="noise"/>.
    /// </summary>
    public static LabeledImages Patterns(int perClass, int seed, int classes = 10, int size = 8, int channels = 1,
        IEnumerable<int>? onlyClasses = null, string source = "synthetic", int noise = 40)
    {
        var names = ClassNames(classes);
        var use = (onlyClasses ?? Enumerable.Range(0, classes)).ToArray();
        int plane = size * size;
        var patterns = Enumerable.Range(0, classes).Select(c =>
        {
            var r = new Random(1000 + c);
            var lit = new bool[plane];
            for (int n = 0; n < 12;)
            {
                int p = r.Next(plane);
                if (!lit[p])
                {
                    lit[p] = true;
                    n++;
                }
            }
            return lit;
        }).ToArray();

        var rng = new Random(seed);
        var pixels = new byte[use.Length * perClass * channels * plane];
        var labels = new int[use.Length * perClass];
        int i = 0;
        foreach (int c in use)
            for (int k = 0; k < perClass; k++, i++)
            {
                labels[i] = c;
                for (int ch = 0; ch < channels; ch++)
                    for (int p = 0; p < plane; p++)
                    {
                        int v = (patterns[c][p] ? 200 : 40) + rng.Next(-noise, noise + 1);
                        pixels[(i * channels + ch) * plane + p] = (byte)Math.Clamp(v, 0, 255);
                    }
            }
        return new LabeledImages(pixels, labels, channels, size, size, names, source);
    }

    /// <summary>Writes <paramref name="images"/> as PNGs in the ImageFolder layout, ids in item order.</summary>
    public static string WriteFolder(LabeledImages images)
    {
        string root = Directory.CreateTempSubdirectory("clsf").FullName;
        int plane = images.Height * images.Width;
        for (int i = 0; i < images.Count; i++)
        {
            var planar = images.Image(i);
            var interleaved = new byte[planar.Length];
            for (int c = 0; c < images.Channels; c++)
                for (int p = 0; p < plane; p++)
                    interleaved[p * images.Channels + c] = planar[c * plane + p];
            string file = Path.Combine(root, ImageFolderWriter.FolderName(images.ClassNames[images.Labels[i]]), $"{i:D6}.png");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllBytes(file, PngEncoder.Encode(interleaved, images.Width, images.Height, images.Channels));
        }
        return root;
    }
}
