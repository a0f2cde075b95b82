namespace OnnxDiffusion.Classification;

/// <summary>Checks that training sets can be unioned, and that a set fits a trained classifier.</summary>
internal static class TrainingSetValidation
{
    /// <summary>Validates the union; returns the reference set (the first) and the images per class.</summary>
    public static (ImageSet Reference, int[] PerClass) CheckUnion(IReadOnlyList<ImageSet> sets)
    {
        if (sets.Count == 0)
            throw new ClassificationException("no training sets given (need at least one)");
        foreach (var s in sets)
            if (s.Count == 0)
                throw new ClassificationException($"training set '{s.Name}' holds no images");
        var reference = sets[0];
        foreach (var s in sets.Skip(1))
        {
            if (s.Channels != reference.Channels || s.Height != reference.Height || s.Width != reference.Width)
                throw new ClassificationException($"training set '{s.Name}' has {s.ShapeText} (C×H×W) images but '{reference.Name}' has {reference.ShapeText}; all training sets must share one image size");
            if (!s.ClassNames.SequenceEqual(reference.ClassNames, StringComparer.Ordinal))
                throw new ClassificationException($"training set '{s.Name}' has classes {s.ClassListText} but '{reference.Name}' has {reference.ClassListText}; all training sets must share one class list in label order");
        }
        var perClass = new int[reference.ClassNames.Count];
        foreach (var s in sets)
            foreach (int label in s.Labels)
                perClass[label]++;
        var missing = Enumerable.Range(0, perClass.Length).Where(c => perClass[c] == 0).ToArray();
        if (missing.Length > 0)
        {
            string which = string.Join(", ", missing.Select(c => $"'{reference.ClassNames[c]}' (label {c})"));
            string where = string.Join(" + ", sets.Select(s => $"'{s.Name}'"));
            throw new ClassificationException($"{(missing.Length == 1 ? "class" : "classes")} {which} {(missing.Length == 1 ? "has" : "have")} no training images in {where}");
        }
        return (reference, perClass);
    }

    /// <summary>A set to predict on must have the classifier's image size.</summary>
    public static void CheckShape(ImageClassifier classifier, ImageSet set, string role)
    {
        if (set.Count > 0 && (set.Channels != classifier.Channels || set.Height != classifier.Height || set.Width != classifier.Width))
            throw new ClassificationException($"{role} '{set.Name}' has {set.ShapeText} (C×H×W) images but the classifier was trained on {classifier.Channels}×{classifier.Height}×{classifier.Width}");
    }

    /// <summary>A test set must also be non-empty and have the classifier's class list.</summary>
    public static void CheckTestSet(ImageClassifier classifier, ImageSet set)
    {
        if (set.Count == 0)
            throw new ClassificationException($"test set '{set.Name}' holds no images");
        CheckShape(classifier, set, "test set");
        if (!set.ClassNames.SequenceEqual(classifier.ClassNames, StringComparer.Ordinal))
            throw new ClassificationException($"test set '{set.Name}' has classes {set.ClassListText} but the classifier was trained on [{string.Join(", ", classifier.ClassNames)}]");
    }
}
