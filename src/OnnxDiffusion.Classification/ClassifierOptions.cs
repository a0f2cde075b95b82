using System.Text.Json.Serialization;
using OnnxDiffusion.Imaging;

namespace OnnxDiffusion.Classification;

/// <summary>
/// Everything that decides what a training run produces. The defaults train in seconds on a few thousand
/// 28×28 images on two cores; the same options, data and thread count give the same classifier.
/// </summary>
public sealed record ClassifierOptions
{
    /// <summary>Classifier kind, one of <see cref="ClassifierKinds.Names"/>.</summary>
    [JsonPropertyName("kind")] public string Kind { get; init; } = ClassifierKinds.MaxEnt;

    /// <summary>Seed of the ML.NET context (<c>new MLContext(seed)</c>) and of the trainers.</summary>
    [JsonPropertyName("seed")] public int Seed { get; init; }

    /// <summary>The range 8-bit pixels are mapped onto for the features (byte 0 → low, 255 → high).</summary>
    [JsonPropertyName("pixel_range"), JsonConverter(typeof(PixelRangeNameConverter))]
    public PixelRange PixelRange { get; init; } = PixelRange.ZeroToOne;

    /// <summary>
    /// Trainer threads. Results are reproducible for a fixed count only (the gradient and histogram sums are split
    /// per thread), so 1 keeps them identical across machines. 1 is also the fast choice on a small shared machine:
    /// LightGBM's OpenMP threads spin while waiting, and with 2 threads on 2 busy cores it trained 20× slower.
    /// </summary>
    [JsonPropertyName("threads")] public int Threads { get; init; } = 1;

    /// <summary>Settings of the <c>maxent</c> kind.</summary>
    [JsonPropertyName("maxent")] public MaxEntOptions MaxEnt { get; init; } = new();

    /// <summary>Settings of the <c>lightgbm</c> kind.</summary>
    [JsonPropertyName("lightgbm")] public LightGbmOptions LightGbm { get; init; } = new();

    /// <summary>The resnet18 kind's head (its trainer's own options are <see cref="MaxEnt"/> or <see cref="LightGbm"/>).</summary>
    [JsonPropertyName("resnet18")] public ResNet18Options ResNet18 { get; init; } = new();

    /// <summary>Settings of the <c>cnn</c> kind.</summary>
    [JsonPropertyName("cnn")] public CnnOptions Cnn { get; init; } = new();
}

/// <summary>
/// The cnn kind: a small convolutional network trained from scratch. Per entry of <see cref="Widths"/> one block of
/// 3×3 convolution (padding 1), batch normalisation (optional), ReLU and 2×2 max-pooling; then a hidden dense layer
/// with ReLU and a linear layer to the class scores. Adam with a cosine learning-rate decay over all steps (which
/// steadies the end of training: see benchmarks/README.md, "cnn kind", for the spread between trainer seeds) and random
/// horizontal flips. The defaults were chosen on 500 Fashion-MNIST images.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CnnOptions
{
    /// <summary>Passes over the training set.</summary>
    [JsonPropertyName("epochs")] public int Epochs { get; init; } = 30;

    /// <summary>Output channels of each conv block; the image halves in each (sizes are floored), so at most log2 of the smaller side.</summary>
    [JsonPropertyName("widths")] public IReadOnlyList<int> Widths { get; init; } = [16, 32];

    /// <summary>Units of the hidden dense layer.</summary>
    [JsonPropertyName("hidden")] public int Hidden { get; init; } = 128;

    /// <summary>Batch normalisation after each convolution: on 500 images it lifted accuracy from 0.785 to 0.81 at the same cost.</summary>
    [JsonPropertyName("batch_norm")] public bool BatchNorm { get; init; } = true;

    /// <summary>Adam's learning rate at the first step; it decays along a half cosine to 0 at the last.</summary>
    [JsonPropertyName("learning_rate")] public double LearningRate { get; init; } = 2e-3;

    /// <summary>Images per optimiser step.</summary>
    [JsonPropertyName("batch")] public int Batch { get; init; } = 64;

    /// <summary>Flip each training image left–right with probability ½, drawn afresh every epoch.</summary>
    [JsonPropertyName("flip")] public bool Flip { get; init; } = true;
}

/// <summary>The resnet18 kind: which trainer reads the frozen network's features.</summary>
public sealed record ResNet18Options
{
    /// <summary>maxent (default) or lightgbm.</summary>
    [JsonPropertyName("head")] public string Head { get; init; } = ClassifierKinds.MaxEnt;
}

/// <summary>L-BFGS maximum entropy (multinomial logistic regression) on the pixel vector.</summary>
public sealed record MaxEntOptions
{
    /// <summary>
    /// L2 weight; ML.NET adds ½·L2·‖w‖² to the summed (not averaged) loss, so its effect shrinks as the set grows.
    /// 10 beat 1 and 30 on 3,000 and 10,000 Fashion-MNIST images with [0, 1] pixels.
    /// </summary>
    [JsonPropertyName("l2")] public float L2Regularization { get; init; } = 10f;

    /// <summary>L1 weight (0 keeps plain L-BFGS; above 0 switches to OWL-QN, slower and sparser).</summary>
    [JsonPropertyName("l1")] public float L1Regularization { get; init; }

    /// <summary>Iteration cap: pixel features rarely gain test accuracy from a tighter optimum, and it bounds the time.</summary>
    [JsonPropertyName("max_iterations")] public int MaximumIterations { get; init; } = 100;

    /// <summary>Stops when the mean relative loss improvement over 5 iterations falls below this.</summary>
    [JsonPropertyName("tolerance")] public float OptimizationTolerance { get; init; } = 1e-5f;

    /// <summary>L-BFGS memory (past gradients kept).</summary>
    [JsonPropertyName("history")] public int HistorySize { get; init; } = 20;
}

/// <summary>LightGBM multiclass gradient boosting on the pixel vector.</summary>
public sealed record LightGbmOptions
{
    /// <summary>Boosting rounds (each grows one tree per class).</summary>
    [JsonPropertyName("iterations")] public int NumberOfIterations { get; init; } = 60;

    /// <summary>Leaves per tree.</summary>
    [JsonPropertyName("leaves")] public int NumberOfLeaves { get; init; } = 15;

    /// <summary>Shrinkage per round.</summary>
    [JsonPropertyName("learning_rate")] public double LearningRate { get; init; } = 0.2;

    /// <summary>Smallest number of training images in a leaf.</summary>
    [JsonPropertyName("min_leaf")] public int MinimumExampleCountPerLeaf { get; init; } = 5;

    /// <summary>Histogram bins per pixel; 8-bit pixels have at most 256 distinct values, and fewer bins are faster.</summary>
    [JsonPropertyName("max_bins")] public int MaximumBinCountPerFeature { get; init; } = 32;
}
