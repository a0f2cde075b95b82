namespace OnnxDiffusion.Classification;

/// <summary>
/// Training or evaluation input a classifier cannot use: an unknown classifier kind, training sets that do not
/// fit together, an empty set, a class without training images, a test set that does not match the classifier.
/// </summary>
public sealed class ClassificationException : OnnxDiffusionException
{
    /// <summary>Creates the exception.</summary>
    public ClassificationException(string message) : base(message) { }

    /// <summary>Creates the exception with the error that caused it.</summary>
    public ClassificationException(string message, Exception inner) : base(message, inner) { }
}
