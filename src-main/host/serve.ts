console.log('serve placeholder')
