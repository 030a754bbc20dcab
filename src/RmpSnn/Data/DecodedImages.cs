namespace RmpSnn.Data;

/// <summary>
/// Image files decoded on demand (for image folders): a dataset over them holds only paths and labels, and its batches
/// decode their images in parallel, one batch ahead of the consumer, so memory stays flat whatever the folder's size.
/// <see cref="Decode"/> writes one file as planar RGB bytes of the dataset's size straight into the batch's memory: with the
/// evaluation transform, or, given a generator, with the training transform drawn from it.
/// </summary>
/// <param name="Paths">The image files, in dataset order.</param>
/// <param name="Decode">Decodes one file into the span; throws <see cref="RmpSnnException"/> for a file it cannot read.</param>
/// <param name="Unreadable">Files of the folder left out because their header could not be read (see <c>--strict</c>).</param>
public sealed record DecodedImages(IReadOnlyList<string> Paths, ImageDecoder Decode, IReadOnlyList<string>? Unreadable = null);

/// <summary>
/// Decodes the image file at <paramref name="path"/> into <paramref name="destination"/> (planar C×H×W bytes); with
/// <paramref name="randomCrop"/>, as a random resized crop drawn from it (training) instead of the evaluation transform.
/// </summary>
public delegate void ImageDecoder(string path, Span<byte> destination, Random? randomCrop);
