namespace OnnxDiffusion.Synthesis;

/// <summary>
/// The one place that turns a recipe into sample ids. A sample's id keys all of its noise, so <c>generate</c>,
/// <c>reconstruct</c> and the experiment make byte-identical images for the same recipe only because they all take
/// their ids from here.
/// </summary>
public static class SynthesisPlan
{
    /// <summary>
    /// Generation: <paramref name="perClass"/> samples of each of <paramref name="classes"/> classes, class-major, with
    /// ids <c>class · perClass + i</c>.
    /// </summary>
    public static IReadOnlyList<SynthesisItem> Generation(int classes, int perClass)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(classes);
        ArgumentOutOfRangeException.ThrowIfNegative(perClass);
        var items = new SynthesisItem[checked(classes * perClass)];
        for (int c = 0, k = 0; c < classes; c++)
            for (int i = 0; i < perClass; i++, k++)
                items[k] = new SynthesisItem((long)c * perClass + i, c);
        return items;
    }

    /// <summary>
    /// Reconstruction of the real images at <paramref name="sources"/> (indices into a dataset whose labels are
    /// <paramref name="labels"/>), in that order: sample i has id i and keeps its source's label and index.
    /// </summary>
    public static IReadOnlyList<SynthesisItem> Reconstruction(IReadOnlyList<int> sources, IReadOnlyList<int> labels)
    {
        var items = new SynthesisItem[sources.Count];
        for (int i = 0; i < items.Length; i++)
            items[i] = new SynthesisItem(i, labels[sources[i]], sources[i]);
        return items;
    }
}
