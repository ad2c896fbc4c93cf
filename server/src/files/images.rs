//! Image checks and derivatives: format detection from the bytes (never the name or claimed
//! type), a pixel limit enforced from the header before any decoding (decompression bombs),
//! EXIF orientation, metadata stripping, and thumbnails.
//!
//! Everything here is CPU-bound and synchronous; callers run it on the blocking pool.

use std::io::{BufWriter, Cursor};
use std::path::Path;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use liao_shared::limits::{MAX_IMAGE_PIXELS, THUMBNAIL_SIDE};

/// Why an image was refused.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    /// Not one of the accepted formats.
    #[error("not a PNG, JPEG, GIF or WebP image")]
    Unsupported,
    /// More pixels than allowed.
    #[error("image of {0}x{1} pixels exceeds the limit")]
    TooManyPixels(u32, u32),
    /// Corrupt data.
    #[error("image could not be decoded: {0}")]
    Corrupt(String),
    /// Writing the processed copy failed (the server's fault, not the image's).
    #[error("writing the processed image: {0}")]
    Io(#[from] std::io::Error),
}

/// What processing produced.
#[derive(Debug)]
pub struct Processed {
    /// MIME type of the served image.
    pub mime: &'static str,
    /// Width after orientation.
    pub width: u32,
    /// Height after orientation.
    pub height: u32,
    /// JPEG thumbnail bytes.
    pub thumbnail: Vec<u8>,
    /// Whether `stripped_to` was written (metadata removed); otherwise serve the upload as is.
    pub stripped: bool,
}

fn mime_of(format: ImageFormat) -> Option<&'static str> {
    match format {
        ImageFormat::Png => Some("image/png"),
        ImageFormat::Jpeg => Some("image/jpeg"),
        ImageFormat::Gif => Some("image/gif"),
        ImageFormat::WebP => Some("image/webp"),
        _ => None,
    }
}

/// An encoder's failure: the disk's, or (never expected for a decoded image) the encoder's.
fn write_error(e: image::ImageError) -> ImageError {
    match e {
        image::ImageError::IoError(io) => ImageError::Io(io),
        other => corrupt(other),
    }
}

fn corrupt(e: impl std::fmt::Display) -> ImageError {
    ImageError::Corrupt(e.to_string())
}

/// Check and process the image at `path`. Unless `keep_original`, JPEG and PNG images are
/// re-encoded (orientation applied) into `stripped_to` without their metadata (EXIF location).
pub fn process(
    path: &Path,
    keep_original: bool,
    stripped_to: &Path,
) -> Result<Processed, ImageError> {
    let reader = ImageReader::open(path)
        .map_err(corrupt)?
        .with_guessed_format()
        .map_err(corrupt)?;
    let format = reader.format().ok_or(ImageError::Unsupported)?;
    let mime = mime_of(format).ok_or(ImageError::Unsupported)?;
    // Header only: the dimensions are known before a single pixel is decoded.
    let (w, h) = reader.into_dimensions().map_err(corrupt)?;
    if u64::from(w) * u64::from(h) > MAX_IMAGE_PIXELS {
        return Err(ImageError::TooManyPixels(w, h));
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(w);
    limits.max_image_height = Some(h);
    limits.max_alloc = Some(MAX_IMAGE_PIXELS * 4 + 64 * 1024 * 1024);
    let mut reader = ImageReader::open(path)
        .map_err(corrupt)?
        .with_guessed_format()
        .map_err(corrupt)?;
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(corrupt)?;
    let orientation = decoder.orientation().map_err(corrupt)?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(corrupt)?;
    img.apply_orientation(orientation);

    let thumb = img.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE).to_rgb8();
    let mut thumbnail = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut Cursor::new(&mut thumbnail), 80)
        .encode_image(&thumb)
        .map_err(corrupt)?;

    let stripped = !keep_original && matches!(format, ImageFormat::Jpeg | ImageFormat::Png);
    if stripped {
        let out = std::fs::File::create(stripped_to)?;
        let mut out = BufWriter::new(out);
        match format {
            ImageFormat::Jpeg => image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 92)
                .encode_image(&img.to_rgb8())
                .map_err(write_error)?,
            _ => img
                .write_to(&mut out, ImageFormat::Png)
                .map_err(write_error)?,
        }
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
    }
    Ok(Processed {
        mime,
        width: img.width(),
        height: img.height(),
        thumbnail,
        stripped,
    })
}
