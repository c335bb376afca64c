import { useMutation } from '@apollo/client/react';
import { type FormEvent, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { refusal, useAction } from '../../../components/actions.tsx';
import { Field, formValue, Message } from '../../../components/forms.tsx';
import type { CatalogueProductQuery } from '../../../gql/graphql.ts';
import { CatalogueAddImage, CatalogueRemoveImage, CatalogueReorderImages } from './operations.ts';

type Product = NonNullable<CatalogueProductQuery['product']>;

/** The API's limit (PRODUCT_IMAGE_MAX_BYTES by default): checked here too so a big file is refused before it is sent. */
const MAX_BYTES = 512 * 1024;

/** A file's bytes as standard base64, which addProductImage takes (no data: URL prefix). */
function base64Of(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error('unreadable file'));
    reader.readAsDataURL(file);
  });
}

/** A product's pictures as thumbnails in display order (the first is the main one): add, remove, move. */
export function ProductPictures({ product }: { product: Product }) {
  const { t } = useTranslation();
  const [remove] = useMutation(CatalogueRemoveImage);
  const [reorder] = useMutation(CatalogueReorderImages);
  const action = useAction();
  const headingId = useId();
  const ids = product.images.map((image) => image.id);
  function move(index: number, by: -1 | 1) {
    const order = [...ids];
    [order[index], order[index + by]] = [order[index + by]!, order[index]!];
    void action.run(async () => {
      const { data } = await reorder({ variables: { input: { productId: product.id, imageIds: order } } });
      return refusal(data!.reorderProductImages.userErrors) ?? { kind: 'info', text: t('catalogue.pictures.reordered') };
    });
  }
  function drop(imageId: string) {
    void action.run(async () => {
      const { data } = await remove({ variables: { input: { productId: product.id, imageId } } });
      return refusal(data!.removeProductImage.userErrors) ?? { kind: 'info', text: t('catalogue.pictures.removed') };
    });
  }
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>{t('catalogue.pictures.title')}</h2>
      {product.images.length === 0 ? (
        <Message>{t('catalogue.pictures.none')}</Message>
      ) : (
        <ol className="catalogue-pictures">
          {product.images.map((image, index) => (
            <li key={image.id} data-image-id={image.id}>
              <img src={image.url} alt={image.alt} width={120} height={Math.round((120 * image.height) / image.width)} />
              <span className="muted">
                {index === 0 ? t('catalogue.pictures.main') : t('catalogue.pictures.position', { position: index + 1 })}
              </span>
              <span>
                <button type="button" className="link" disabled={index === 0 || action.busy} onClick={() => move(index, -1)}>
                  {t('catalogue.pictures.earlier', { position: index + 1 })}
                </button>{' '}
                <button type="button" className="link" disabled={index === ids.length - 1 || action.busy} onClick={() => move(index, 1)}>
                  {t('catalogue.pictures.later', { position: index + 1 })}
                </button>{' '}
                <button type="button" className="link" disabled={action.busy} onClick={() => drop(image.id)}>
                  {t('catalogue.pictures.remove', { position: index + 1 })}
                </button>
              </span>
            </li>
          ))}
        </ol>
      )}
      {action.message}
      <AddPicture productId={product.id} />
    </section>
  );
}

function AddPicture({ productId }: { productId: string }) {
  const { t } = useTranslation();
  const [add] = useMutation(CatalogueAddImage);
  const action = useAction();
  const headingId = useId();
  const fileId = useId();
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const file = (form.elements.namedItem('picture') as HTMLInputElement).files?.[0];
    if (!file) return;
    if (file.size > MAX_BYTES) {
      action.show({ kind: 'error', text: t('catalogue.pictures.tooLarge', { kib: MAX_BYTES / 1024 }) });
      return;
    }
    void action.run(async () => {
      const input = { productId, data: await base64Of(file), alt: formValue(form, 'alt') };
      const { data } = await add({ variables: { input } });
      const payload = data!.addProductImage;
      if (!payload.product) return refusal(payload.userErrors);
      form.reset();
      return { kind: 'info', text: t('catalogue.pictures.added') };
    });
  }
  return (
    <form id="catalogue-add-picture" aria-labelledby={headingId} onSubmit={submit}>
      <h3 id={headingId}>{t('catalogue.pictures.add')}</h3>
      <div className="field">
        <label htmlFor={fileId}>{t('catalogue.pictures.file')}</label>
        <input type="file" id={fileId} name="picture" accept="image/png,image/jpeg,image/webp" required />
      </div>
      <Field label={t('catalogue.pictures.alt')} name="alt" required maxLength={300} />
      <button type="submit" disabled={action.busy}>
        {t('catalogue.pictures.upload')}
      </button>
      {action.message}
    </form>
  );
}
