namespace OnnxDiffusion.Data;

/// <summary>
/// An MNIST-family dataset folder: <c>{train,t10k}-images-idx3-ubyte[.gz]</c> and the matching
/// <c>-labels-idx1-ubyte[.gz]</c>, optionally a <c>classes.txt</c> (one class name per line).
/// </summary>
public static class IdxDataset
{
    /// <summary>Loads a split: "train" or "test" (the files' "t10k" prefix is also accepted).</summary>
    /// <exception cref="DataFormatException">Missing or malformed files, or images and labels that disagree.</exception>
    public static LabeledImages Load(string directory, string split)
    {
        string prefix = split switch
        {
            "train" => "train",
            "test" or "t10k" => "t10k",
            _ => throw new DataFormatException($"split '{split}': expected train or test"),
        };
        if (!Directory.Exists(directory))
            throw new DataFormatException($"{directory}: dataset folder not found");
        string images = Find(directory, $"{prefix}-images-idx3-ubyte");
        string labels = Find(directory, $"{prefix}-labels-idx1-ubyte");
        var img = IdxFile.Read(images);
        var lab = IdxFile.Read(labels);
        if (img.Dimensions.Count != 3)
            throw new DataFormatException($"{images}: {img.Dimensions.Count} dimensions, expected 3 (count, height, width)");
        if (lab.Dimensions.Count != 1)
            throw new DataFormatException($"{labels}: {lab.Dimensions.Count} dimensions, expected 1 (count)");
        if (img.Dimensions[0] != lab.Dimensions[0])
            throw new DataFormatException($"{labels}: {lab.Dimensions[0]} labels but {Path.GetFileName(images)} holds {img.Dimensions[0]} images");
        var classNames = ClassNames(directory, lab.Data);
        return new LabeledImages(img.Data, lab.Data.Select(b => (int)b).ToArray(), 1, img.Dimensions[1], img.Dimensions[2], classNames, labels);
    }

    private static string Find(string directory, string stem)
    {
        foreach (var name in new[] { stem + ".gz", stem })
        {
            string p = Path.Combine(directory, name);
            if (File.Exists(p))
                return p;
        }
        throw new DataFormatException($"{Path.Combine(directory, stem)}[.gz]: file not found");
    }

    private static IReadOnlyList<string> ClassNames(string directory, byte[] labels)
    {
        string path = Path.Combine(directory, "classes.txt");
        if (File.Exists(path))
            return File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        int count = labels.Length == 0 ? 0 : labels.Max() + 1;
        return Enumerable.Range(0, Math.Max(count, 10)).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }
}
